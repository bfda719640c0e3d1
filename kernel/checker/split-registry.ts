/**
 * A notebook's view of the shared DocumentRegistry (shared-server.ts): the
 * files every notebook has alike (the lib bundle, @types/node, the kernel's
 * globals, declaration files on disk) go to the registry all the notebooks of
 * the checker share, so they are parsed once; the notebook's own files (its
 * cells and the cell being edited) go to a registry of its own.
 *
 * Why: a registry keeps one parse per path and version, and two notebooks in
 * one folder have cell files of the same names with versions counted the same
 * way from 1, but other text: shared, one notebook's check was made against
 * the other's cells.
 */
import ts from 'typescript';

export function splitRegistry(shared: ts.DocumentRegistry, isOwnFile: (fileName: string) => boolean): ts.DocumentRegistry {
  const own = ts.createDocumentRegistry();
  // Every file once sent to the notebook's own registry stays there, until its release.
  const owned = new Set<string>();
  const pick = (fileName: string): ts.DocumentRegistry => {
    if (owned.has(fileName)) return own;
    if (!isOwnFile(fileName)) return shared;
    owned.add(fileName);
    return own;
  };
  return {
    acquireDocument: (fileName, ...rest) => pick(fileName).acquireDocument(fileName, ...rest),
    acquireDocumentWithKey: (fileName, ...rest) => pick(fileName).acquireDocumentWithKey(fileName, ...rest),
    updateDocument: (fileName, ...rest) => pick(fileName).updateDocument(fileName, ...rest),
    updateDocumentWithKey: (fileName, ...rest) => pick(fileName).updateDocumentWithKey(fileName, ...rest),
    getKeyForCompilationSettings: (settings) => shared.getKeyForCompilationSettings(settings),
    releaseDocument: (fileName: string, settings: ts.CompilerOptions, scriptKind?: ts.ScriptKind, format?: ts.ResolutionMode) =>
      pick(fileName).releaseDocument(fileName, settings, scriptKind!, format),
    // Our file names are absolute and Linux's are case-sensitive: a path is its file name.
    releaseDocumentWithKey: (path: ts.Path, key: ts.DocumentRegistryBucketKey, scriptKind?: ts.ScriptKind, format?: ts.ResolutionMode) =>
      pick(path).releaseDocumentWithKey(path, key, scriptKind!, format),
    reportStats: () => `${shared.reportStats()}\n${own.reportStats()}`,
  };
}
