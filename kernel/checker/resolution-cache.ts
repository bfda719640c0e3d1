/**
 * Module resolution that outlives one program.
 *
 * Without these host methods the language service makes a fresh resolution
 * cache for every program, and every check of a cell is a new program: each
 * check then looked up package.json files again for every file under
 * node_modules (@types/node alone is a few dozen), about a third of a check's
 * time after a warm-up. Kept across programs, a trivial cell's check costs
 * little more than the new type checker itself.
 *
 * What is on disk can change while a kernel runs (`npm install` in a terminal
 * beside the notebook). The cache is dropped whenever the cell being checked
 * imports or requires anything, so a cell that imports a freshly installed
 * package resolves it anew, even when its text is the same as before; cells
 * without imports, the common case, reuse it.
 */
import ts from 'typescript';

export interface ResolutionHostMethods {
  getModuleResolutionCache(): ts.ModuleResolutionCache;
  resolveModuleNameLiterals: NonNullable<ts.LanguageServiceHost['resolveModuleNameLiterals']>;
  resolveTypeReferenceDirectiveReferences: NonNullable<ts.LanguageServiceHost['resolveTypeReferenceDirectiveReferences']>;
}

/** Text that may import something: worth resolving afresh. */
const IMPORTS = /\bimport\b|\brequire\s*\(|\/\/\/\s*<reference/;

export class ResolutionCache {
  private modules: ts.ModuleResolutionCache;
  private typeReferences: ts.TypeReferenceDirectiveResolutionCache;

  constructor(
    private readonly cwd: string,
    private readonly options: ts.CompilerOptions,
    private readonly system: ts.ModuleResolutionHost = ts.sys,
  ) {
    this.modules = this.newModuleCache();
    this.typeReferences = this.newTypeReferenceCache();
  }

  /** Call with the text of the cell about to be checked; true when it imports, and the cache was dropped. */
  noteCell(text: string): boolean {
    if (!IMPORTS.test(text)) return false;
    this.modules = this.newModuleCache();
    this.typeReferences = this.newTypeReferenceCache();
    return true;
  }

  hostMethods(): ResolutionHostMethods {
    return {
      getModuleResolutionCache: () => this.modules,
      resolveModuleNameLiterals: (literals, containingFile, redirected, options, containingSourceFile) =>
        literals.map((literal) => ts.resolveModuleName(
          literal.text, containingFile, options, this.system, this.modules, redirected,
          ts.getModeForUsageLocation(containingSourceFile, literal, options),
        )),
      resolveTypeReferenceDirectiveReferences: (references, containingFile, redirected, options, containingSourceFile) =>
        references.map((reference) => {
          const name = typeof reference === 'string' ? reference : reference.fileName.toLowerCase();
          const mode = typeof reference === 'string' || containingSourceFile === undefined
            ? undefined
            : ts.getModeForFileReference(reference, containingSourceFile.impliedNodeFormat);
          return ts.resolveTypeReferenceDirective(name, containingFile, options, this.system, redirected, this.typeReferences, mode);
        }),
    };
  }

  private newModuleCache(): ts.ModuleResolutionCache {
    return ts.createModuleResolutionCache(this.cwd, (name) => name, this.options);
  }

  private newTypeReferenceCache(): ts.TypeReferenceDirectiveResolutionCache {
    return ts.createTypeReferenceDirectiveResolutionCache(this.cwd, (name) => name, this.options, this.modules.getPackageJsonInfoCache());
  }
}
