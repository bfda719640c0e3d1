/**
 * A binding of a module that shipped code uses (`import fs from 'node:fs'` in
 * a notebook): a module is no value to copy, so the worker loads it itself,
 * with the `require` of the code's scope, and binds what an import would.
 */
import { types } from 'node:util';

/** The helper's name in the scope of shipped code (scope.ts). */
export const MODULE_BINDING = '__loom_module';

/** The prelude statement that binds `local` in the worker. */
export function moduleBindingSource(local: string, module: string, imported: string): string {
  return `const ${local} = ${MODULE_BINDING}(require, ${JSON.stringify(module)}, ${JSON.stringify(imported)});`;
}

/**
 * In the worker: `imported` ('default', '*' or an export's name) of `module`,
 * as Node's import gives it: the default of a CommonJS module is its exports;
 * `require` of an ES module (Node 20.19 and later) gives its namespace.
 */
export function bindModule(require: NodeJS.Require, module: string, imported: string): unknown {
  let loaded: Record<string, unknown>;
  try {
    loaded = require(module) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    throw new Error(`${module} is an ES module that cannot be loaded synchronously where this code runs; ` +
      `import it inside the function instead: const m = await import(${JSON.stringify(module)})`, { cause: error });
  }
  if (imported === '*') return loaded;
  if (imported === 'default') return types.isModuleNamespaceObject(loaded) ? loaded.default : loaded;
  return loaded[imported];
}
