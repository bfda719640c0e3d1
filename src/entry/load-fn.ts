/**
 * Inside a pool's worker (thread or process): the function a task's FnSpec
 * names (pool/fn-ref.ts makes the spec on the pool's side). Code shipped by
 * source is revived; a `{filename, name}` export is loaded from its module,
 * under the spawn guard, as CommonJS or (.mjs, or a require() that finds an
 * ES module) by import().
 */
import { pathToFileURL } from 'node:url';
import type { FnSpec } from '../internal/ship/shipped.js';
import { reviveCode } from '../internal/ship/revive-code.js';
import { whileImportingUserModule, whileLoadingUserModule } from '../internal/spawn-guard.js';
import { show, valueError } from '../internal/validate.js';

function pick(module: unknown, spec: { file: string; name: string }): Function {
  const exports = module as Record<string, unknown> | Function;
  const candidate = spec.name === 'default'
    ? (typeof exports === 'function' ? exports : (exports as Record<string, unknown>)?.default)
    : (exports as Record<string, unknown>)?.[spec.name];
  if (typeof candidate !== 'function') {
    throw valueError('fn.name', `the name of a function exported by ${spec.file}`, `${spec.name} (which is ${show(candidate)})`);
  }
  return candidate;
}

const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** Inside a worker: the callable function for a spec. Module loads run under the spawn guard. */
export async function loadFn(spec: FnSpec): Promise<Function> {
  if ('code' in spec) return reviveCode<Function>(spec.code, true);
  if (spec.file.endsWith('.mjs')) {
    return pick(await whileImportingUserModule(spec.file, () => importModule(pathToFileURL(spec.file).href)), spec);
  }
  try {
    return pick(whileLoadingUserModule(spec.file, () => require(spec.file) as unknown), spec);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    return pick(await whileImportingUserModule(spec.file, () => importModule(pathToFileURL(spec.file).href)), spec);
  }
}
