/**
 * Sends a function or class to another thread as source. The source must be
 * self-contained: every free name has to be a declaration the host hook
 * resolves (a notebook's, see shipHooks.resolveDeclaration), a global, a loom
 * name or a compiled import of loom; anything else is a FreeVariableError at
 * once, naming the variables and saying how to pass them.
 */
import { FreeVariableError, NotShippableError } from '../../errors.js';
import { shipHooks, type Declaration } from '../host/shipping.js';
import { isShareable, type ShareTarget } from '../share/registry.js';
import { copyValue } from './copy-value.js';
import { analyse, parses, type FreeName, type SourceFacts } from './free-names.js';
import { aliasesOf, type Piece } from './aliases.js';
import { moduleBindingSource } from './module-binding.js';
import { HELPER_NAMES, loomMemberUse, loomNamespace, loomUse, namespaceFor, providedLoomNames, type LoomUses } from './scope.js';
import { originsOf } from './piece-origins.js';
import type { ShippedCode } from './shipped.js';
import { unaliased } from './revived.js';
import './revive-code.js';

/** Sources analysed lately (a kernel session ships ever new ones, so the oldest are dropped). */
const CACHED_SOURCES = 1000;
function remember<T>(cache: Map<string, T>, source: string, value: T): T {
  if (cache.size >= CACHED_SOURCES) cache.delete(cache.keys().next().value!);
  cache.set(source, value);
  return value;
}

const factsCache = new Map<string, SourceFacts>();
function factsOf(source: string): SourceFacts {
  return factsCache.get(source) ?? remember(factsCache, source, analyse(source));
}

/** The facts of a declaration a host gave as source, which, unlike a function's own source, may not parse. */
function declarationFacts(name: string, source: string): SourceFacts {
  try {
    return factsOf(source);
  } catch (error) {
    throw new NotShippableError(`the declaration of '${name}' that the host gave cannot be parsed as JavaScript (${(error as Error).message}): ${source.slice(0, 80)}`, { cause: error });
  }
}

/** Where shipped code goes, for messages: a thread, a process, or a pool's worker (either). */
export type Destination = 'thread' | 'process' | 'worker';

const expressions = new Map<string, string | undefined>();
/** `source` as an expression that parses (itself, or method shorthand inside an object), remembered: threads started in a loop ship the same source. */
function expressionFor(source: string): string | undefined {
  if (expressions.has(source)) return expressions.get(source);
  const wrapped = `Object.values({ ${source} })[0]`;
  return remember(expressions, source, parses(`(${source})`) ? source : parses(wrapped) ? wrapped : undefined);
}

/** A function's source as one expression; method shorthand (`run() {}`) is wrapped in an object literal. */
function expressionOf(fn: Function, role: string, where: Destination = 'thread'): string {
  const source = sourceOf(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new NotShippableError(`${role} ${fn.name || '(anonymous)'} is a native or bound function, which has no source to send to a ${where}; wrap it: (...args) => ${fn.name || 'fn'}(...args) inside a function that requires what it needs`);
  }
  const expression = expressionFor(source);
  if (expression !== undefined) return expression;
  throw new NotShippableError(`${role} ${fn.name || '(anonymous)'} has source that cannot be parsed on its own: ${source.slice(0, 80)}`);
}

/** A function's source; for code revived here, as it was shipped, without the aliases its names were given (aliases.ts). */
function sourceOf(fn: Function): string {
  return unaliased(Function.prototype.toString.call(fn));
}

/** Compiled imports: tsc's `threading_1`, esbuild's `import_threading`. */
const COMPILED_IMPORT = /(^import_\w+$)|(^\w+_\d+$)/;

class Shipment {
  readonly prelude: string[] = [];
  /** What each prelude entry reads and declares, for the aliases (aliases.ts). */
  readonly pieces: Piece[] = [];
  /** The function source inside each prelude entry, when it has one: what its origin is looked up by. */
  readonly sources: (string | undefined)[] = [];
  /** The loom names used, and where the worker finds them. */
  readonly loom: LoomUses = {};
  readonly unresolved: FreeName[] = [];
  readonly values: Record<string, unknown> = {};
  /** Names already bound in the prelude, or given (a class's superclasses). */
  readonly resolved: Set<string>;
  /** Loom's names, which the worker's scope gets when the code uses them. */
  readonly provided = providedLoomNames();
  /** `where` names the destination in messages; `target` is what values are encoded for. */
  constructor(given: Iterable<string>, readonly where: Destination, readonly target: ShareTarget) {
    this.resolved = new Set(given);
  }

  /**
   * Resolves the free names of `source`, bringing declarations along before
   * it. The host is asked first: a notebook's `Event` or `N` wins over loom's
   * Event or a global of that name.
   */
  add(facts: SourceFacts): void {
    const loomNames = loomNamespace();
    for (const use of facts.free) {
      const { name, members } = use;
      if (this.resolved.has(name)) continue;
      const declaration = shipHooks.resolveDeclaration(name);
      if (declaration !== undefined) {
        this.resolved.add(name);
        this.bring(name, declaration);
        continue;
      }
      if (HELPER_NAMES.includes(name)) continue;
      if (this.provided.has(name)) {
        const [key, home] = loomUse(name);
        this.loom[key] = home;
        continue;
      }
      if (name in globalThis) continue;
      if (members && members.size > 0 && [...members].every((m) => m in namespaceFor(name, loomNames))) {
        for (const member of members) {
          const [key, home] = loomMemberUse(name, member);
          this.loom[key] = home;
        }
        continue;
      }
      this.unresolved.push(use);
    }
  }

  /** Adds what a host declared: source to the prelude (after what it uses), a value to the values. */
  bring(name: string, declaration: Declaration): void {
    if (typeof declaration === 'string') {
      const facts = declarationFacts(name, declaration);
      this.add(facts);
      this.push(declaration, { facts, at: 0 });
    } else if ('module' in declaration) {
      this.push(moduleBindingSource(name, declaration.module, declaration.imported), { facts: undefined, at: 0, declares: name });
    } else if (typeof declaration.value === 'function') {
      const expression = declaredFunctionSource(name, declaration.value, this.where);
      this.add(factsOf(`(${expression})`));
      this.sources[this.prelude.length] = sourceOf(declaration.value);
      this.pushConst(name, expression);
    } else {
      this.values[name] = copyValue(name, declaration.value, this.where, this.target);
      this.keepClass(name, declaration.value);
    }
  }

  /**
   * A copy is a plain object; an instance of a class the host also declares
   * (`const origin = new Point(3, 4)`) gets that class back, so its methods work there.
   */
  keepClass(name: string, value: unknown): void {
    if (typeof value !== 'object' || value === null || isShareable(value)) return;
    const cls = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
    if (typeof cls !== 'function' || !cls.name || cls === Object) return;
    const declaration = shipHooks.resolveDeclaration(cls.name);
    if (typeof declaration !== 'object' || !('value' in declaration) || declaration.value !== cls) return;
    if (!this.resolved.has(cls.name)) {
      this.resolved.add(cls.name);
      this.bring(cls.name, declaration);
    }
    const text = `Object.setPrototypeOf(${name}, ${cls.name}.prototype);`;
    this.push(text, { facts: factsOf(text), at: 0 });
  }

  push(text: string, piece: Piece): void {
    this.prelude.push(text);
    this.pieces.push(piece);
  }

  /** `const name = (expression);`: a function or class brought along. */
  pushConst(name: string, expression: string): void {
    const head = `const ${name} = `;
    this.push(`${head}(${expression});`, { facts: factsOf(`(${expression})`), at: head.length, declares: name });
  }

  finish(expression: string, name: string, role: string, advice: string, source: string): ShippedCode {
    if (this.unresolved.length > 0) throw freeVariableError(this.unresolved, role, name, advice, this.where);
    const requireFrom = shipHooks.requireFrom ?? require.main?.filename ?? `${process.cwd()}/[loom]`;
    const aliases = aliasesOf(this.prelude, this.pieces, Object.keys(this.values), factsOf(`(${expression})`));
    const code: ShippedCode = { expression, prelude: this.prelude.join('\n'), loom: this.loom, name, requireFrom };
    if (Object.keys(this.values).length > 0) code.values = this.values;
    if (aliases) code.aliases = aliases;
    const origins = originsOf(this.prelude, this.sources, expression, source);
    if (origins.length > 0) code.origins = origins;
    return code;
  }
}

/** The source of a function or class a host declared, or an error naming it when it has none. */
function declaredFunctionSource(name: string, fn: Function, where: Destination): string {
  try {
    return expressionOf(fn, `'${name}'`, where);
  } catch (error) {
    if (!(error instanceof NotShippableError)) throw error;
    throw new NotShippableError(`'${name}' is a native or bound function, which has no source to send to a ${where}: ` +
      `declare it as a function of your own, e.g. const ${name} = (...args) => ..., or call what it wraps inside the function`, { cause: error });
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
 * `role` names it in errors, e.g. "target"; `where` says where it goes; `advice` overrides the fix suggested;
 * `target` is what values it brings are encoded for (a pool's 'worker' is a thread or a process).
 */
export function shipFunction(fn: Function, role: string, where: Destination = 'thread', advice?: (them: string) => string,
  target: ShareTarget = where === 'process' ? 'process' : 'thread'): ShippedCode {
  const expression = expressionOf(fn, role, where);
  const shipment = new Shipment([], where, target);
  shipment.add(factsOf(`(${expression})`));
  const them = shipment.unresolved.length > 1 ? 'them' : 'it';
  const Kind = where === 'process' ? 'Process' : 'Thread';
  const fix = advice?.(them) ?? `Pass ${them} in args (new ${Kind}({target, args: [value]}) and take it as a parameter), or define it inside the function.`;
  return shipment.finish(expression, fn.name, role, fix, sourceOf(fn));
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
  const shipment = new Shipment(chain.map((c) => c.name), where, where === 'process' ? 'process' : 'thread');
  for (const c of [...chain, cls]) {
    const expression = expressionOf(c, role, where);
    const facts = factsOf(`(${expression})`);
    if (facts.privateMembers.length > 0) {
      throw new NotShippableError(`${role} ${c.name} has #private instance members (${facts.privateMembers.map((m) => `#${m.replace(/^#/, '')}`).join(', ')}), which cannot be set up in the ${where} because its constructor does not run there; use ordinary fields`);
    }
    shipment.add(facts);
    if (c === cls) continue;
    shipment.sources[shipment.prelude.length] = sourceOf(c);
    shipment.pushConst(c.name, expression);
  }
  const advice = 'Set it as a field in the constructor (this.x = x) so it travels with the object, or require/define it inside the method.';
  return shipment.finish(expressionOf(cls, role, where), cls.name, role, advice, sourceOf(cls));
}

