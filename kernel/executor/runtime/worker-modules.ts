/**
 * Preloaded into every thread and child process of the executor that loom
 * starts (thread-output.ts and child-process.ts import it): code a cell sends
 * there imports the notebook's TypeScript files as the cell does.
 *  - A module binding the cell made (`import { triple } from './helper.ts'`,
 *    used by a Thread target) is bound in the worker with require()
 *    (a `{ module }` declaration of notebook-declarations.ts), and so is a
 *    require() the code calls itself: ts-require.ts teaches require() .ts,
 *    .mts, .cts, .tsx and `./x.js` meaning ./x.ts; loom-require.ts makes
 *    require('loom/queue') load the kernel's loom, as in a cell.
 *  - An import() inside the code goes through IMPORT_FUNCTION, which the
 *    notebook's declaration (notebook-declarations.ts) takes from this
 *    thread's global: worker-import.ts resolves it from the notebook's folder.
 * Nothing here loads the compiler or registers module hooks: a worker that
 * never imports TypeScript does not pay for them (transpile/file.ts loads
 * TypeScript at the first file that no cell imported before, see
 * compiled-files.ts; worker-import.ts registers the hooks at the first
 * TypeScript import()). bench:lib's startup rows measure what is left.
 *
 * Why every worker sets this up itself: on Node 20 (measured on 20.20), the
 * hooks of module.register() belong to the thread that registers them. A
 * worker thread created after the main thread registered them does not see
 * them, nor does a worker a hooked worker creates, and hooks registered in a
 * worker do not reach the main thread; each registering thread gets a hooks
 * thread of its own. A child process shares nothing with its parent's loader
 * (only --import/--loader in its execArgv or NODE_OPTIONS would carry hooks over),
 * and require() never passes through these hooks at all. So the executor's
 * own hooks (ts-modules.ts) do nothing for its workers, and the require()
 * extensions, which are per thread too (Module._extensions of that thread's
 * module system), must be installed in each.
 */
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { shipHooks, threadHooks } from '../../../src/host/index.js';
import { IMPORT_FUNCTION } from '../../transpile/import-function.js';
import { installLoomRequire } from './loom-require.js';
import { installTypeScriptRequire } from './ts-require.js';

type WorkerImport = typeof import('./worker-import.js');

installTypeScriptRequire();
installLoomRequire();
// worker-import.ts and what it needs (some 2 ms of a thread's start) are required at the first import().
let workerImport: WorkerImport | undefined;
const importFromWorker: WorkerImport['importInWorker'] = (specifier, load) => {
  workerImport ??= require('./worker-import.js') as WorkerImport;
  return workerImport.importInWorker(specifier, load);
};
Object.assign(globalThis, { [IMPORT_FUNCTION]: importFromWorker });
// Code this worker ships on (a Thread started by a Process target) requires from the
// notebook's folder too, as the executor's does (notebook-declarations.ts), not from
// loom's entry/process.js, a child's main module.
shipHooks.requireFrom ??= join(process.cwd(), '<notebook>');

// In a child process: the threads it starts need this too (the child's own
// threads and pool threads get threadHooks.threadPreload, which starts empty there).
if (isMainThread && !threadHooks.threadPreload.includes(__filename)) threadHooks.threadPreload.push(__filename);
