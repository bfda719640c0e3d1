/**
 * How the executed cells of a notebook look to the TypeScript language service.
 *
 * At run time every cell's top-level declarations land in one shared scope,
 * and a later cell may re-declare a name (`const x` twice, an import of `fs`
 * again). TypeScript has no such scope, so each executed cell (parse-cell.ts)
 * becomes a script file, plus a companion module for its imports
 * (cell-text.ts).
 *
 * Re-declaration: only the newest cell that declares a name keeps it; older
 * declarations of the name are renamed away in their scripts, so the newest
 * type wins, as it does at run time. Except for declarations that merge (an
 * interface or namespace that adds to an earlier one, see `merges`): those
 * keep the earlier declaration live. A cell left with no live declarations is
 * dropped from the program entirely, which keeps long notebooks cheap.
 *
 * The scripts of every run of CHUNK cells, the newest run too, are shown to
 * the language service as one file (see files()): each check makes a new
 * program and type checker, which pay for every file, and 200 one-line cells
 * cost a check as much again as the whole standard library did. A new cell
 * then changes the text of a file but not the list of files, and TypeScript
 * keeps the rest of the program as it was (a new file makes it walk every file
 * and resolve every import again: 1.4 ms of a 3.6 ms check of a one-line cell);
 * text-snapshot.ts has the newest chunk parsed only where it grew.
 *
 * The cell being edited is a separate `.mts` file (always a module), so its
 * own declarations shadow everything here (see notebook-service.ts).
 */
import { join } from 'node:path';
import { bareImportsText, companionText, scriptText } from './cell-text.js';
import { chunkFileName, importsFileName, scriptFileName } from './internal-names.js';
import { merges, parseCell, type Cell, type ImportMeaning } from './parse-cell.js';

/** How many cells' scripts make one file once they are all there (see files()). */
const CHUNK = 32;

export interface VirtualFile {
  readonly text: string;
  /** Grows whenever the text changes, across resets too, so the language service never reuses a stale parse. */
  readonly version: number;
}

/** Asks the type checker what each internal import alias in `fileName` refers to. */
export type MeaningResolver = (fileName: string, aliases: readonly string[]) => Map<string, ImportMeaning>;

export class NotebookCells {
  /** By index; undefined once a cell can never matter again (see retire), so a long notebook does not keep every parse. */
  private cells: (Cell | undefined)[] = [];
  /** name -> indexes of the cells whose declarations of it are live: the newest, and those it merges with. */
  private owners = new Map<string, number[]>();
  /** One file per cell script and per companion module. */
  private readonly fileMap = new Map<string, VirtualFile>();
  /** What the language service sees (files()), made again after a change. */
  private view: Map<string, VirtualFile> | undefined;
  /** Chunk files by name, with the versions of the scripts they were made of. */
  private readonly chunks = new Map<string, { made: string; file: VirtualFile }>();
  private nextVersion = 1;
  /** Libraries cells named with `/// <reference lib>` (their cells are never retired). */
  private readonly libs = new Set<string>();

  constructor(private readonly dir: string) {}

  referencedLibs(): ReadonlySet<string> {
    return this.libs;
  }

  /**
   * The virtual files, in cell order. The scripts of the cells of each chunk
   * (cells 0-31, 32-63, ...; the last one still growing) are joined into one
   * file; a script that must start a file (not chunkable), and every companion
   * module, are files of their own. Scripts share the global scope whichever
   * file they are in; `;` between them keeps one cell's last line from running
   * into the next.
   */
  files(): ReadonlyMap<string, VirtualFile> {
    this.view ??= this.makeView();
    return this.view;
  }

  reset(): void {
    this.cells = [];
    this.owners.clear();
    this.fileMap.clear();
    this.chunks.clear();
    this.libs.clear();
    this.view = undefined;
  }

  /**
   * Adds cells that executed successfully, oldest first. Batched so that a
   * restarted worker replaying a whole notebook asks the checker only once.
   */
  add(codes: readonly string[], resolveMeanings: MeaningResolver): void {
    const added: Cell[] = [];
    const dirty = new Set<number>();
    for (const code of codes) {
      const cell = parseCell(this.cells.length, code);
      this.cells.push(cell);
      for (const lib of cell.source.libReferenceDirectives) this.libs.add(lib.fileName);
      added.push(cell);
      for (const name of cell.names) {
        const previous = this.owners.get(name) ?? [];
        const kept = previous.filter((index) => merges(this.cells[index]!.shapes.get(name), cell.shapes.get(name)));
        for (const index of previous) if (!kept.includes(index)) dirty.add(index);
        this.owners.set(name, [...kept, cell.index]);
      }
      dirty.add(cell.index);
      // The bare imports first, so that the checker can tell us what they are.
      if (cell.importText) this.write(this.importsFile(cell.index), bareImportsText(cell));
    }
    for (const cell of added) {
      if (cell.bindings.length === 0) continue;
      cell.meanings = resolveMeanings(this.importsFile(cell.index), cell.bindings.map((b) => b.alias));
    }
    for (const index of dirty) this.render(this.cells[index]!);
    for (const index of dirty) this.retire(this.cells[index]!);
  }

  /**
   * Forgets a cell that owns no live name and keeps no file: no later cell
   * can make it live again (ownership only passes to newer cells), so its
   * syntax tree would only take memory. A notebook that runs the same cells
   * over and over would otherwise keep one tree per run.
   */
  private retire(cell: Cell): void {
    if (cell.keepScript || cell.keepImports) return;
    if ([...cell.names].some((name) => this.isLive(cell, name))) return;
    this.cells[cell.index] = undefined;
  }

  private scriptFile(index: number): string {
    return join(this.dir, scriptFileName(index));
  }

  private importsFile(index: number): string {
    return join(this.dir, importsFileName(index));
  }

  private isLive(cell: Cell, name: string): boolean {
    return this.owners.get(name)?.includes(cell.index) ?? false;
  }

  /** (Re)writes a cell's files for the names it still owns; drops files that would declare nothing. */
  private render(cell: Cell): void {
    const isLive = (name: string): boolean => this.isLive(cell, name);
    this.writeOrDrop(this.scriptFile(cell.index), scriptText(cell, isLive));
    this.writeOrDrop(this.importsFile(cell.index), companionText(cell, isLive));
  }

  private writeOrDrop(fileName: string, text: string | undefined): void {
    if (text === undefined) {
      if (this.fileMap.delete(fileName)) this.view = undefined;
    } else this.write(fileName, text);
  }

  private write(fileName: string, text: string): void {
    if (this.fileMap.get(fileName)?.text === text) return;
    this.fileMap.set(fileName, { text, version: this.nextVersion++ });
    this.view = undefined;
  }

  private makeView(): Map<string, VirtualFile> {
    const view = new Map<string, VirtualFile>();
    let chunk: { name: string; scripts: VirtualFile[] } | undefined;
    for (let index = 0; index < this.cells.length; index++) {
      if (index % CHUNK === 0) {
        if (chunk) this.addChunk(view, chunk.name, chunk.scripts);
        chunk = { name: join(this.dir, chunkFileName(index / CHUNK)), scripts: [] };
      }
      const imports = this.fileMap.get(this.importsFile(index));
      if (imports) view.set(this.importsFile(index), imports);
      const script = this.fileMap.get(this.scriptFile(index));
      if (!script) continue;
      if (this.cells[index]?.chunkable) chunk!.scripts.push(script);
      else view.set(this.scriptFile(index), script);
    }
    if (chunk) this.addChunk(view, chunk.name, chunk.scripts);
    for (const name of this.chunks.keys()) if (!view.has(name)) this.chunks.delete(name);
    return view;
  }

  /** A chunk's file keeps its version (and so its parse) while its scripts are the same. */
  private addChunk(view: Map<string, VirtualFile>, name: string, scripts: VirtualFile[]): void {
    if (scripts.length === 0) return;
    const made = scripts.map((script) => script.version).join(',');
    let entry = this.chunks.get(name);
    if (entry?.made !== made) {
      entry = { made, file: { text: scripts.map((script) => script.text).join('\n;\n'), version: this.nextVersion++ } };
      this.chunks.set(name, entry);
    }
    view.set(name, entry.file);
  }
}
