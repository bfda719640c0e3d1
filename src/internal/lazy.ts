/**
 * A module required at its first use instead of when the module naming it
 * loads. loom does this for two reasons, and only for them:
 *
 * - start-up: every worker thread and child process loads loom piecemeal,
 *   and each module costs a new thread about 0.5 ms, so code only some
 *   workers need (shipping functions, starting threads, the pool side of a
 *   child) is loaded by the first one that does;
 * - load cycles: two modules that need each other at run time (Thread and
 *   currentThread, share/encode and ship/ship) cannot both import the other.
 *
 * The caller writes the `require` (so the path resolves from its own file)
 * and names the module's type; the module is required once and kept:
 *
 *     const ship = lazy<typeof import('./ship.js')>(() => require('./ship.js'));
 *     ship().shipFunction(fn, 'target');
 */
export function lazy<M>(load: () => M): () => M {
  let loaded: M | undefined;
  return () => (loaded ??= load());
}
