/**
 * A ts.LanguageService over a virtual notebook: the executed cells (see
 * notebook-cells.ts), the kernel's globals and the cell being edited, a
 * `.mts` file so that it is always a module and its own declarations shadow
 * earlier cells'.
 *
 * It is incremental: a request only replaces the text (and bumps the version)
 * of the edited cell, so TypeScript re-parses that one file and reuses
 * everything else, lib and @types/node included.
 */
import ts from 'typescript';
import { loomTypePaths } from './loom-types.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INTERNAL_PREFIX } from './internal-names.js';
import { NotebookCells } from './notebook-cells.js';
import type { ImportMeaning } from './parse-cell.js';
import { KERNEL_GLOBALS_D_TS } from './kernel-globals.js';
import { libBundleKey, libBundleText } from './lib-bundle.js';
import { nodeTypes } from './node-types-bundle.js';
import { ResolutionCache } from './resolution-cache.js';
import { splitRegistry } from './split-registry.js';
import { TextSnapshot } from './text-snapshot.js';

/** The NotebookService behind each language service, for checkCell (check.ts). */
const notebooks = new WeakMap<ts.LanguageService, NotebookService>();

export function notebookOf(service: ts.LanguageService): NotebookService | undefined {
  return notebooks.get(service);
}

export class NotebookService {
  private readonly cells: NotebookCells;
  /** The last cell that passed its check, until it is reported as executed (addCells). */
  private unconfirmed: string | undefined;
  private readonly globalsFile: string;
  private readonly libFile: string;
  /** @types/node's script files as one (node-types-bundle.ts), and its module files. */
  private readonly nodeFile: string;
  private readonly nodeFiles: string[];
  readonly currentFile: string;
  private current = { text: '', version: 0 };
  private readonly resolution: ResolutionCache;
  readonly service: ts.LanguageService;

  /**
   * `registry` holds the parsed files; one shared with an earlier service (the
   * checker's snapshot, snapshot-entry.ts) gives this one lib and @types/node
   * already parsed and bound, as long as the compiler options that shape a parse
   * are the same: the files that do not belong to a notebook have names that do
   * not depend on `cwd`.
   */
  constructor(cwd: string, registry: ts.DocumentRegistry = ts.createDocumentRegistry()) {
    this.cells = new NotebookCells(cwd);
    this.globalsFile = join(__dirname, '__loom_kernel_globals__.d.ts');
    this.libFile = join(LIB_DIR, '__loom_lib__.d.ts');
    this.currentFile = join(cwd, '__loom_current_cell__.mts');
    const options = compilerOptions(cwd);
    const node = nodeTypes(options.typeRoots ?? []);
    this.nodeFile = node?.file ?? join(cwd, '__loom_node_types__.d.ts');
    // Found: given as root files instead of through `types` (which would load every file of it again).
    if (node) options.types = [];
    this.nodeFiles = node ? [this.nodeFile, ...node.modules] : [];
    const disk = new DiskFiles();
    const textOf = (fileName: string): string | undefined => {
      if (fileName === this.currentFile) return this.current.text;
      if (fileName === this.globalsFile) return KERNEL_GLOBALS_D_TS;
      if (fileName === this.libFile) return libBundleText(this.libs());
      if (fileName === this.nodeFile) return node?.scripts;
      return this.cells.files().get(fileName)?.text;
    };
    const fileExists = (fileName: string): boolean => textOf(fileName) !== undefined || ts.sys.fileExists(fileName);
    const readFile = (fileName: string): string | undefined => textOf(fileName) ?? disk.read(fileName)?.text;
    this.resolution = new ResolutionCache(cwd, options, { ...ts.sys, fileExists, readFile });
    const resolution = this.resolution.hostMethods();
    const host: ts.LanguageServiceHost = {
      ...resolution,
      // `/// <reference types="node" />` (in undici-types, in loom's own .d.ts, in a cell) means the bundle, not every file of @types/node again.
      resolveTypeReferenceDirectiveReferences: (references, containingFile, ...rest) => {
        const resolved = resolution.resolveTypeReferenceDirectiveReferences(references, containingFile, ...rest);
        if (!node) return resolved;
        return references.map((reference, i) => {
          const name = typeof reference === 'string' ? reference : reference.fileName.toLowerCase();
          return name === 'node' ? { resolvedTypeReferenceDirective: { primary: true, resolvedFileName: this.nodeFile } } : resolved[i]!;
        });
      },
      getCompilationSettings: () => options,
      // Node's types last, where `types: ['node']` put them: a global a cell declares (an imported
      // `Event`) then wins over Node's of the same name, as it does at run time.
      getScriptFileNames: () => [this.libFile, this.globalsFile, ...this.cells.files().keys(), this.currentFile, ...this.nodeFiles],
      getScriptVersion: (fileName) => {
        if (fileName === this.currentFile) return String(this.current.version);
        if (fileName === this.globalsFile || fileName === this.nodeFile) return '1';
        if (fileName === this.libFile) return libBundleKey(this.libs());
        return String(this.cells.files().get(fileName)?.version ?? diskVersion(fileName));
      },
      getScriptSnapshot: (fileName) => {
        const text = textOf(fileName);
        return text === undefined ? disk.snapshot(fileName) : new TextSnapshot(text);
      },
      getCurrentDirectory: () => cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists,
      readFile,
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      directoryExists: (name) => ts.sys.directoryExists(name),
      getDirectories: (name) => ts.sys.getDirectories(name),
      realpath: (name) => ts.sys.realpath?.(name) ?? name,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    };
    // Shared with other notebooks (shared-server.ts) only for the files all of them have alike.
    const own = (fileName: string): boolean => fileName === this.currentFile || this.cells.files().has(fileName);
    this.service = ts.createLanguageService(host, splitRegistry(registry, own));
    notebooks.set(this.service, this);
  }

  /** The libraries that cells, run or being edited, add with `/// <reference lib>`. */
  private libs(): string[] {
    const current = this.current.text.includes('<reference') ? ts.preProcessFile(this.current.text).libReferenceDirectives : [];
    return [...this.cells.referencedLibs(), ...current.map((lib) => lib.fileName)];
  }

  addCells(codes: readonly string[]): void {
    if (this.unconfirmed !== undefined && codes.includes(this.unconfirmed)) this.unconfirmed = undefined;
    this.cells.add(codes, (fileName, aliases) => this.importMeanings(fileName, aliases));
  }

  reset(): void {
    this.unconfirmed = undefined;
    this.cells.reset();
  }

  /** The cell passed its check and is about to run (see setCurrent). */
  passed(code: string): void {
    this.unconfirmed = code;
  }

  /**
   * Makes `code` the cell being edited; only a real change costs a re-parse.
   *
   * The kernel answers shell requests one at a time, so a check, completion or
   * inspection means the cell checked before it has finished. The kernel
   * reports a cell as executed (addCells) only when it succeeded; one that
   * passed its check and was not reported ran and failed part-way, or was
   * interrupted. What it declared exists at run time (as `undefined` past the
   * failure), so later cells see its declarations too.
   */
  setCurrent(code: string): void {
    const ran = this.unconfirmed;
    this.unconfirmed = undefined;
    if (ran !== undefined) this.addCells([ran]);
    // A cell that imports is looked at afresh even when unchanged: the package may have been installed since.
    const renewed = this.resolution.noteCell(code);
    if (code !== this.current.text || renewed) this.current = { text: code, version: this.current.version + 1 };
  }

  /**
   * Type-checks throwaway text as the current cell, so that V8 optimises the
   * checker before real cells come. Unlike setCurrent it confirms no cell as
   * run, and the next real request replaces the text.
   */
  warmCheck(step: number): void {
    this.warmText(`const ${INTERNAL_PREFIX}warm_${step} = ${step};`);
    this.service.getSemanticDiagnostics(this.currentFile);
  }

  /** Makes throwaway text the current cell, for warming up; unlike setCurrent it confirms no cell as run. */
  warmText(text: string): void {
    this.current = { text, version: this.current.version + 1 };
  }

  /** What each internal import alias of a companion module refers to (value, type, namespace). */
  private importMeanings(fileName: string, aliases: readonly string[]): Map<string, ImportMeaning> {
    const wanted = new Set(aliases);
    const meanings = new Map<string, ImportMeaning>();
    const program = this.service.getProgram();
    const source = program?.getSourceFile(fileName);
    if (!program || !source) return meanings;
    const checker = program.getTypeChecker();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && wanted.has(node.text) && !meanings.has(node.text)) {
        const symbol = checker.getSymbolAtLocation(node);
        const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (target) meanings.set(node.text, { flags: target.flags, typeParameters: typeParameterCount(target) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return meanings;
  }
}

function typeParameterCount(symbol: ts.Symbol): number {
  for (const declaration of symbol.declarations ?? []) {
    if (ts.isClassLike(declaration) || ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)) {
      return ts.getEffectiveTypeParameterDeclarations(declaration).length;
    }
  }
  return 0;
}

const LIB_DIR = dirname(ts.getDefaultLibFilePath({}));

/**
 * Files on disk (lib, @types, packages, the notebook's own .ts files), read
 * once per version. The language service asks for the snapshot of every file
 * of the program each time it makes a new one, before it looks at versions:
 * without this, each check or completion re-read some 150 declaration files.
 */
class DiskFiles {
  private readonly files = new Map<string, { version: string; text: string; snapshot?: ts.IScriptSnapshot }>();

  read(fileName: string): { text: string; snapshot?: ts.IScriptSnapshot } | undefined {
    const version = diskVersion(fileName);
    const cached = this.files.get(fileName);
    if (cached?.version === version) return cached;
    const text = ts.sys.readFile(fileName);
    if (text === undefined) {
      this.files.delete(fileName);
      return undefined;
    }
    const entry = { version, text };
    this.files.set(fileName, entry);
    return entry;
  }

  snapshot(fileName: string): ts.IScriptSnapshot | undefined {
    const entry = this.read(fileName);
    if (entry === undefined) return undefined;
    entry.snapshot ??= ts.ScriptSnapshot.fromString(entry.text);
    return entry.snapshot;
  }
}

/** Library files never change under us; the user's own files may, so their mtime is their version. */
function diskVersion(fileName: string): string {
  if (fileName.includes('/node_modules/') || fileName.startsWith(LIB_DIR)) return '0';
  return String(ts.sys.getModifiedTime?.(fileName)?.getTime() ?? 0);
}

function compilerOptions(cwd: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // The lib files are one root file instead (lib-bundle.ts).
    noLib: true,
    types: ['node'],
    typeRoots: typeRoots(cwd),
    strict: true,
    esModuleInterop: true,
    allowJs: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    noEmit: true,
    paths: loomTypePaths(),
  };
}

/** @types from the notebook's folder first, then the kernel's own (which has @types/node). */
function typeRoots(cwd: string): string[] {
  const roots = [join(cwd, 'node_modules', '@types')].filter((dir) => existsSync(dir));
  try {
    roots.push(dirname(dirname(require.resolve('@types/node/package.json'))));
  } catch {
    // No @types/node next to the kernel: Node's globals are then only typed if the notebook's folder has them.
  }
  return roots;
}
