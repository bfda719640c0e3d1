/**
 * require('loom/queue') inside code a cell sent to a thread, a pool or a
 * process loads the kernel's loom, as the cell's own require() does
 * (main.ts, notebookRequire): a notebook's folder rarely has loom in its
 * node_modules, and one that has must still get the copy the kernel runs,
 * the one whose Queue and Lock the cell made. Static imports of loom need
 * none of this: a cell's binding of loom travels as the file it names.
 */
import Module from 'node:module';

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
type LoomModules = typeof import('../../transpile/loom-modules.js');
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const LOOM = /^loom(\/|$)/;

let installed = false;
let loomModules: LoomModules | undefined;

/** Maps loom's specifiers to the kernel's files in this thread's require(); idempotent. */
export function installLoomRequire(): void {
  if (installed) return;
  installed = true;
  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function resolveLoom(this: unknown, request, ...rest) {
    if (typeof request === 'string' && LOOM.test(request)) {
      loomModules ??= require('../../transpile/loom-modules.js') as LoomModules;
      const file = loomModules.loomModuleFile(request);
      if (file !== undefined) return file;
    }
    return resolveFilename.call(this, request, ...rest);
  };
}
