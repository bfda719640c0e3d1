/**
 * Helpers that compilers emit once per module and then call from inside
 * function bodies, so a function's own source refers to them: TypeScript's
 * `using` support (when compiling to ES2022, as this project does) and
 * esbuild/tsx's keepNames and `using` (`__using`, `__callDispose`). A shipped
 * function finds them in its scope. They follow tslib's (0BSD) and esbuild's
 * (MIT) runtime helpers.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

interface Env {
  stack: { value?: any; dispose?: () => unknown; async: boolean }[];
  error?: unknown;
  hasError: boolean;
}

function __addDisposableResource(env: Env, value: any, async: boolean): unknown {
  if (value !== null && value !== undefined) {
    if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError('Object expected.');
    let dispose: any;
    let inner: any;
    if (async) dispose = value[Symbol.asyncDispose];
    if (dispose === undefined) {
      dispose = value[Symbol.dispose];
      if (async) inner = dispose;
    }
    if (typeof dispose !== 'function') throw new TypeError('Object not disposable.');
    if (inner) {
      dispose = function (this: unknown) {
        try {
          inner.call(this);
        } catch (e) {
          return Promise.reject(e);
        }
      };
    }
    env.stack.push({ value, dispose, async });
  } else if (async) {
    env.stack.push({ async: true });
  }
  return value;
}

class SuppressedErrorShim extends Error {
  constructor(readonly error: unknown, readonly suppressed: unknown, message: string) {
    super(message);
    this.name = 'SuppressedError';
  }
}

function __disposeResources(env: Env): unknown {
  const Suppressed = (globalThis as any).SuppressedError ?? SuppressedErrorShim;
  const fail = (e: unknown): void => {
    env.error = env.hasError ? new Suppressed(e, env.error, 'An error was suppressed during disposal.') : e;
    env.hasError = true;
  };
  let s = 0;
  const next = (): unknown => {
    let r;
    while ((r = env.stack.pop())) {
      try {
        if (!r.async && s === 1) {
          s = 0;
          env.stack.push(r);
          return Promise.resolve().then(next);
        }
        if (r.dispose) {
          const result = r.dispose.call(r.value);
          if (r.async) {
            s |= 2;
            return Promise.resolve(result).then(next, (e) => (fail(e), next()));
          }
        } else s |= 1;
      } catch (e) {
        fail(e);
      }
    }
    if (s === 1) return env.hasError ? Promise.reject(env.error) : Promise.resolve();
    if (env.hasError) throw env.error;
    return undefined;
  };
  return next();
}

/** esbuild/tsx's keepNames helper, which it emits inside class bodies and functions. */
function __name<T extends object>(target: T, value: string): T {
  return Object.defineProperty(target, 'name', { value, configurable: true });
}

type EsbuildEntry = [async: boolean, dispose?: () => unknown, value?: unknown];

/** esbuild's `using`: pushes [async, dispose, value] on the block's stack. */
function __using(stack: EsbuildEntry[], value: any, async: boolean): unknown {
  if (value != null) {
    if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError('Object expected');
    let dispose: any;
    let inner: any;
    if (async) dispose = value[Symbol.asyncDispose];
    if (dispose === undefined) {
      dispose = value[Symbol.dispose];
      if (async) inner = dispose;
    }
    if (typeof dispose !== 'function') throw new TypeError('Object not disposable');
    if (inner) {
      dispose = function (this: unknown) {
        try {
          inner.call(this);
        } catch (e) {
          return Promise.reject(e);
        }
      };
    }
    stack.push([async, dispose, value]);
  } else if (async) {
    stack.push([async]);
  }
  return value;
}

/** esbuild's end of a `using` block: disposes in reverse order, rethrowing (suppressed) errors. */
function __callDispose(stack: EsbuildEntry[], error: unknown, hasError: boolean): unknown {
  const Suppressed = (globalThis as any).SuppressedError ?? SuppressedErrorShim;
  const fail = (e: unknown): void => {
    error = hasError ? new Suppressed(e, error, 'An error was suppressed during disposal') : e;
    hasError = true;
  };
  const next = (): unknown => {
    let it;
    while ((it = stack.pop())) {
      try {
        const result = it[1] && it[1].call(it[2]);
        if (it[0]) return Promise.resolve(result).then(next, (e) => (fail(e), next()));
      } catch (e) {
        fail(e);
      }
    }
    if (hasError) throw error;
    return undefined;
  };
  return next();
}

export const compilerHelpers: Record<string, unknown> = { __addDisposableResource, __disposeResources, __name, __using, __callDispose };
