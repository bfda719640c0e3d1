/** Turns shipped source back into a function or class, inside the thread that runs it. */
import type { ShippedCode } from './shipped.js';
import { scopeFor } from './scope.js';
import { decode } from '../share/encode.js';
import { registerReviver } from '../share/registry.js';
import { nameRevived } from './revived.js';
import { mapStacksHere } from './stack-hook.js';
import { aliasBody, ALIAS_HELPER, defineAlias, type AliasEdit } from './aliases.js';

/**
 * `lasting`: the code is revived once for the life of this thread (a Thread's
 * or Process's target or class, a pool's task function or initializer), so
 * the host's names it reads may become globals of their own (aliases.ts),
 * which never go away. Code revived again and again (a function inside
 * arguments, a Barrier's action) keeps them as the function's parameters.
 */
export function reviveCode<T = unknown>(code: ShippedCode, lasting = false): T {
  mapStacksHere();
  const scope = scopeFor(code.requireFrom, code.loom);
  // The host's values (copies, and shared objects made live again) win over loom's names.
  // They stay parameters when aliased too: what the code names in a direct eval() is not renamed.
  const values = code.values ? decode(code.values) as Record<string, unknown> : {};
  Object.assign(scope, values);
  const shipped = `${code.prelude}\nreturn (${code.expression});`;
  let body = shipped;
  let edits: AliasEdit[] | undefined;
  let globals: [string, string][] = [];
  if (lasting && code.aliases) {
    const { names } = code.aliases;
    const aliased = aliasBody(shipped, code.aliases);
    ({ body, edits } = aliased);
    globals = aliased.globals.map((global, i) => [global, names[i]!]);
    for (const [name, value] of Object.entries(values)) if (names.includes(name)) defineAlias(aliased.globals[names.indexOf(name)]!, value);
    scope[ALIAS_HELPER] = (index: number, value: unknown) => defineAlias(aliased.globals[index]!, value);
  } else {
    scope[ALIAS_HELPER] = () => undefined;
  }
  const names = Object.keys(scope);
  // new Function, not vm: the code must run in this thread's own realm so its
  // objects, errors and Atomics are the ordinary ones. The block lets the
  // prelude declare a name the scope also has (`const Thread = require(...)`).
  // The sourceURL names its frames (`at risky (loom-ship-7:6:15)`, not `eval at reviveCode`),
  // and revived.ts maps them back to where the pieces came from.
  const sourceURL = nameRevived(shipped, code.origins, edits && { body, edits, globals });
  const make = new Function(...names, `{\n${body}\n}\n//# sourceURL=${sourceURL}`);
  return make(...names.map((name) => scope[name])) as T;
}

registerReviver('Function', (data) => reviveCode(data as ShippedCode));
