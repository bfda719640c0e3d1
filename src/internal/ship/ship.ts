/**
 * Sends a function or class to another thread as source. The source must be
 * self-contained: every free name has to be a global, a loom name, a compiled
 * import of loom, or a declaration the host hook resolves; anything else is a
 * FreeVariableError at once, naming the variables and saying how to pass them.
 */
import { FreeVariableError, NotShippableError } from '../../errors.js';
import { hooks } from '../hooks.js';
import { setFunctionEncoder } from '../share/encode.js';
import { analyse, parses, type FreeName, type SourceFacts } from './free-names.js';
import { loomNamespace, namespaceFor, providedNames } from './scope.js';
import type { ShippedCode } from './shipped.js';
import './revive-code.js';

const factsCache = new Map<string, SourceFacts>();
function factsOf(source: string): SourceFacts {
  let facts = factsCache.get(source);
  if (!facts) factsCache.set(source, (facts = analyse(source)));
  return facts;
}

/** Where shipped code goes, for messages: a thread, a process, or a pool's worker (either). */
export type Destination = 'thread' | 'process' | 'worker';

/** A function's source as one expression; method shorthand (`run() {}`) is wrapped in an object literal. */
function expressionOf(fn: Function, role: string, where: Destination = 'thread'): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new NotShippableError(`${role} ${fn.name || '(anonymous)'} is a native or bound function, which has no source to send to a ${where}; wrap it: (...args) => ${fn.name || 'fn'}(...args) inside a function that requires what it needs`);
  }
  if (parses(`(${source})`)) return source;
  const wrapped = `Object.values({ ${source} })[0]`;
  if (parses(wrapped)) return wrapped;
  throw new NotShippableError(`${role} ${fn.name || '(anonymous)'} has source that cannot be parsed on its own: ${source.slice(0, 80)}`);
}

/** Compiled imports: tsc's `threading_1`, esbuild's `import_threading`. */
const COMPILED_IMPORT = /(^import_\w+$)|(^\w+_\d+$)/;

class Shipment {
  readonly prelude: string[] = [];
  readonly namespaces = new Set<string>();
  readonly unresolved: FreeName[] = [];
  readonly known: Set<string>;
  constructor(known: Iterable<string>) {
    this.known = new Set([...providedNames(), ...known]);
  }

  /** Resolves the free names of `source`, bringing declarations along before it. */
  add(facts: SourceFacts): void {
    const loomNames = loomNamespace();
    for (const use of facts.free) {
      const { name, members } = use;
      if (this.known.has(name) || name in globalThis) continue;
      if (members && members.size > 0 && [...members].every((m) => m in namespaceFor(name, loomNames))) {
        this.namespaces.add(name);
        continue;
      }
      const declaration = hooks.resolveDeclaration(name);
      if (declaration === undefined) {
        this.unresolved.push(use);
        continue;
      }
      this.known.add(name);
      this.add(factsOf(declaration));
      this.prelude.push(declaration);
    }
  }

  finish(expression: string, name: string, role: string, advice: string, where: Destination = 'thread'): ShippedCode {
    if (this.unresolved.length > 0) throw freeVariableError(this.unresolved, role, name, advice, where);
    const requireFrom = require.main?.filename ?? `${process.cwd()}/[loom]`;
    return { expression, prelude: this.prelude.join('\n'), namespaces: [...this.namespaces], name, requireFrom };
  }
}

function freeVariableError(uses: FreeName[], role: string, name: string, advice: string, where: Destination): FreeVariableError {
  const names = uses.map((u) => (u.name === 'exports' && u.members ? [...u.members] : [u.name])).flat();
  const imports = uses.filter((u) => COMPILED_IMPORT.test(u.name)).map((u) => u.name);
  const list = names.map((n) => `'${n}'`).join(', ');
  const importHint = imports.length > 0
    ? ` (${imports.join(', ')} ${imports.length > 1 ? 'are compiled imports' : 'is a compiled import'}: require the module inside the function instead)`
    : '';
  const subject = !name || name === role ? `the ${role} function` : `${role} ${name}`;
  return new FreeVariableError(
    `${subject} uses ${list}, which ${names.length > 1 ? 'are' : 'is'} not visible in the ${where}${importHint}: ` +
      `code sent to a ${where} brings only its own source. ${advice}`,
    names,
  );
}

/**
 * Ships a function (a Thread target, a Barrier action, a function inside args, a pool task).
 * `role` names it in errors, e.g. "target"; `where` says where it goes; `advice` overrides the fix suggested.
 */
export function shipFunction(fn: Function, role: string, where: Destination = 'thread', advice?: (them: string) => string): ShippedCode {
  const expression = expressionOf(fn, role, where);
  const shipment = new Shipment([]);
  shipment.add(factsOf(`(${expression})`));
  const them = shipment.unresolved.length > 1 ? 'them' : 'it';
  const Kind = where === 'process' ? 'Process' : 'Thread';
  const fix = advice?.(them) ?? `Pass ${them} in args (new ${Kind}({target, args: [value]}) and take it as a parameter), or define it inside the function.`;
  return shipment.finish(expression, fn.name, role, fix, where);
}

/**
 * Ships a class (a Thread subclass) with its superclasses up to `base`, which
 * the thread provides itself. Instances are revived without running the
 * constructor (like Python's pickle), so #private instance members could never
 * be initialised there: they are refused here.
 */
export function shipClass(cls: Function, base: Function, role: string, where: Destination = 'thread'): ShippedCode {
  const chain: Function[] = [];
  for (let c = Object.getPrototypeOf(cls) as Function; c && c !== base; c = Object.getPrototypeOf(c) as Function) chain.unshift(c);
  const shipment = new Shipment(chain.map((c) => c.name));
  for (const c of [...chain, cls]) {
    const expression = expressionOf(c, role, where);
    const facts = factsOf(`(${expression})`);
    if (facts.privateMembers.length > 0) {
      throw new NotShippableError(`${role} ${c.name} has #private instance members (${facts.privateMembers.map((m) => `#${m.replace(/^#/, '')}`).join(', ')}), which cannot be set up in the ${where} because its constructor does not run there; use ordinary fields`);
    }
    shipment.add(facts);
    if (c !== cls) shipment.prelude.push(`const ${c.name} = (${expression});`);
  }
  const advice = 'Set it as a field in the constructor (this.x = x) so it travels with the object, or require/define it inside the method.';
  return shipment.finish(expressionOf(cls, role, where), cls.name, role, advice, where);
}

setFunctionEncoder((fn, path) => ({ kind: 'Function', id: 0, data: shipFunction(fn, path) }));
