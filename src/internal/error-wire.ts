/**
 * Errors across thread and process boundaries. Structured clone (threads) and
 * v8 serialization (processes) keep an Error's message but lose its class,
 * its `code` and the fields callers branch on, so errors travel as data and
 * are rebuilt on arrival: the same class when this side knows it (built-ins,
 * loom's own), otherwise a RemoteError carrying the remote class name. The
 * remote stack arrives as the `cause`, so a report shows both where it was
 * thrown and where it was joined.
 */
import * as loomErrors from '../errors.js';
import { readableStack } from './stack-frames.js';
import { withoutAliases } from './ship/revived.js';

export type SerializedError =
  | { kind: 'error'; name: string; message: string; stack: string; props: Record<string, unknown>; cause?: SerializedError }
  /** Something thrown that is not an Error (`throw 42`): rethrown as that value. */
  | { kind: 'value'; value: unknown };

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** The stack as the receiving side shows it: frames of shipped code mapped where it came from, loom's own left out (stack-frames.ts). */
function stackOf(error: Error): string {
  const stack: unknown = error.stack;
  return typeof stack === 'string' ? readableStack(stack) : `${error.name}: ${error.message}`;
}

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { kind: 'value', value: cloneable(error) ? error : String(error) };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (key !== 'cause' && cloneable(value)) props[key] = value;
  }
  if ('code' in error && !('code' in props) && cloneable(error.code)) props.code = error.code;
  const out: SerializedError = { kind: 'error', name: error.name, message: withoutAliases(error.message), stack: stackOf(error), props };
  if (error.cause !== undefined && depth < 5) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

const BUILT_IN: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

function knownClass(name: string): { prototype: Error } | undefined {
  if (name in BUILT_IN) return BUILT_IN[name];
  const candidate = (loomErrors as Record<string, unknown>)[name];
  return typeof candidate === 'function' && candidate.prototype instanceof Error ? (candidate as { prototype: Error }) : undefined;
}

/** The remote stack as an Error, so Node prints it as `[cause]`; the remote error's own cause follows it. */
function remoteStack(data: Extract<SerializedError, { kind: 'error' }>): Error {
  const carrier = new Error(data.message, data.cause ? { cause: rebuild(data.cause, true) } : undefined);
  Object.defineProperty(carrier, 'name', { value: data.name, configurable: true, writable: true });
  carrier.stack = data.stack;
  return carrier;
}

/** This side's stack for `error`, from the caller of `above`, loom's frames left out. */
function stackHere(error: Error, above: Function): void {
  Error.captureStackTrace(error, above);
  const stack: unknown = error.stack;
  if (typeof stack === 'string') error.stack = readableStack(stack);
}

/** Rebuilt errors whose stack is still where they arrived (an engine's event), not where the caller meets them. */
const unplaced = new WeakSet<object>();

/**
 * A rebuilt error, its own stack moved (the first time) to where it is handed
 * to the caller: a result's get() or a future's result() after an await,
 * where V8's async frames reach the caller's code (`at async cell 8, line 9`),
 * as Python's traceback shows the `pool.map(...)` line under the
 * RemoteTraceback. Where it arrived (an engine's event handler) says nothing
 * to the user. Only once: the same error thrown again keeps its stack.
 */
export function placeRethrow(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && unplaced.delete(error)) stackHere(error as Error, placeRethrow);
  return error;
}

/** Rebuilds an error thrown elsewhere; its own stack is where this call happens (loom's frames left out, as in the remote one). */
export function deserializeError(data: SerializedError): unknown {
  return rebuild(data, false);
}

/**
 * The error with its class. At the top, its stack is this side's and the
 * remote stack is its cause; a cause further down (`new Error(m, { cause })`
 * thrown there, or an error that came from a worker's own worker) keeps its
 * remote stack as is, so each remote part shows once, in order.
 */
function rebuild(data: SerializedError, remote: boolean): unknown {
  if (data.kind === 'value') return data.value;
  const cls = knownClass(data.name);
  // Not the constructor: loom's take other arguments, and the message is already final.
  const error = cls ? (Object.create(cls.prototype) as Error) : new loomErrors.RemoteError(data.name, data.message);
  if (cls) Object.defineProperty(error, 'message', { value: data.message, configurable: true, writable: true });
  if (remote) {
    error.stack = data.stack;
    if (data.cause) Object.defineProperty(error, 'cause', { value: rebuild(data.cause, true), configurable: true, writable: true });
  } else {
    stackHere(error, deserializeError);
    unplaced.add(error);
    Object.defineProperty(error, 'cause', { value: remoteStack(data), configurable: true, writable: true });
  }
  Object.assign(error, data.props);
  return error;
}
