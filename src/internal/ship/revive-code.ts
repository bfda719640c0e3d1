/** Turns shipped source back into a function or class, inside the thread that runs it. */
import type { ShippedCode } from './shipped.js';
import { scopeFor } from './scope.js';
import { decode } from '../share/encode.js';
import { registerReviver } from '../share/registry.js';
import { nameRevived } from './revived.js';
import { mapStacksHere } from './stack-hook.js';

export function reviveCode<T = unknown>(code: ShippedCode): T {
  mapStacksHere();
  const scope = scopeFor(code.requireFrom, code.loom);
  // The host's values (copies, and shared objects made live again) win over loom's names.
  if (code.values) Object.assign(scope, decode(code.values));
  const names = Object.keys(scope);
  // new Function, not vm: the code must run in this thread's own realm so its
  // objects, errors and Atomics are the ordinary ones. The block lets the
  // prelude declare a name the scope also has (`const Thread = require(...)`).
  // The sourceURL names its frames (`at risky (loom-ship-7:6:15)`, not `eval at reviveCode`),
  // and revived.ts maps them back to where the pieces came from.
  const body = `${code.prelude}\nreturn (${code.expression});`;
  const make = new Function(...names, `{\n${body}\n}\n//# sourceURL=${nameRevived(body, code.origins)}`);
  return make(...names.map((name) => scope[name])) as T;
}

registerReviver('Function', (data) => reviveCode(data as ShippedCode));
