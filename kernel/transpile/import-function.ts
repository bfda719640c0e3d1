/**
 * The name of the executor's global that every import() of a cell goes
 * through (kernel/executor/runtime/ts-modules.ts): it gets the specifier and
 * the cell's own import(), which must stay in the cell to resolve from the
 * notebook. In a file of its own, without the compiler that module-syntax.ts
 * (which writes the calls) loads: the executor's workers define the global
 * too (worker-modules.ts), and a worker must not load TypeScript to name it.
 */
export const IMPORT_FUNCTION = '__loom_import';
