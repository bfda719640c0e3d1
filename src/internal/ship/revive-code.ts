/** Turns shipped source back into a function or class, inside the thread that runs it. */
import type { ShippedCode } from './shipped.js';
import { scopeFor } from './scope.js';
import { registerReviver } from '../share/registry.js';

export function reviveCode<T = unknown>(code: ShippedCode): T {
  const scope = scopeFor(code.requireFrom, code.namespaces);
  const names = Object.keys(scope);
  // new Function, not vm: the code must run in this thread's own realm so its
  // objects, errors and Atomics are the ordinary ones.
  const make = new Function(...names, `${code.prelude}\nreturn (${code.expression});`);
  return make(...names.map((name) => scope[name])) as T;
}

registerReviver('Function', (data) => reviveCode(data as ShippedCode));
