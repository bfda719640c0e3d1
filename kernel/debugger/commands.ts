/**
 * The DAP requests JupyterLab's debugger sends, one handler each, in the
 * order it sends them: initialize, attach, debugInfo, dumpCell,
 * setBreakpoints, configurationDone; when stopped: threads, stackTrace,
 * scopes, variables, evaluate, richInspectVariables, copyToGlobals; then
 * continue, next, stepIn, stepOut, pause; inspectVariables and
 * richInspectVariables when not stopped; source, modules; disconnect.
 * Shapes follow ipykernel's debugger (the reference kernel JupyterLab is tested with).
 */
import ts from 'typescript';
import { DEBUG_HELPERS } from '../executor/messages.js';
import type { CellDebugger } from './cell-debugger.js';
import { debugInfoReply } from './debug-info.js';
import { failure, MAIN_THREAD, success, type DapRequest, type DapResponse, type DapStackFrame } from './dap.js';
import { typeOf, variableOf, variablesOf, type RemoteObject } from './remote-values.js';

type Command = (request: DapRequest, debug: CellDebugger) => Promise<DapResponse> | DapResponse;

/** What a variable explorer's Globals scope shows: the names the notebook's cells declared. */
function notebookNames(debug: CellDebugger): Set<string> {
  return debug.cells.declaredNames();
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export const COMMANDS: Record<string, Command> = {
  initialize(request, debug) {
    debug.start();
    return success(request, {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsCopyToGlobals: true,
      exceptionBreakpointFilters: [
        { filter: 'raised', label: 'Raised Exceptions', default: false, description: 'Stop wherever an exception is thrown, also one that is caught' },
        { filter: 'uncaught', label: 'Uncaught Exceptions', default: false, description: "Stop where an exception is thrown that nothing catches" },
      ],
    });
  },

  attach(request, debug) {
    debug.start();
    // DAP's initialized event: ipykernel forwards debugpy's at attach, and JupyterLab opens its debugger sidebar on it.
    debug.announceInitialized();
    return success(request);
  },

  configurationDone: (request) => success(request),

  debugInfo(request, debug) {
    return debugInfoReply(request, debug.cells, {
      started: debug.started,
      breakpoints: [...debug.breakpoints].map(([source, breakpoints]) => ({ source, breakpoints })),
      stoppedThreads: debug.stoppedThreads(),
    });
  },

  dumpCell(request, debug) {
    const code = request.arguments?.code;
    if (typeof code !== 'string') return failure(request, 'dumpCell needs arguments.code, a string');
    return success(request, { sourcePath: debug.cells.dump(code).path });
  },

  async setBreakpoints(request, debug) {
    const path = request.arguments?.source?.path;
    const wanted = request.arguments?.breakpoints ?? [];
    if (typeof path !== 'string' || !Array.isArray(wanted)) return failure(request, 'setBreakpoints needs arguments.source.path and arguments.breakpoints');
    const lines = wanted.filter((bp: { line?: unknown }) => Number.isInteger(bp.line)).map((bp: { line: number; condition?: string }) => ({
      line: bp.line,
      ...(typeof bp.condition === 'string' && bp.condition.trim() !== '' ? { condition: toJavaScript(bp.condition) } : {}),
    }));
    return success(request, { breakpoints: await debug.setBreakpoints(path, lines) });
  },

  async setExceptionBreakpoints(request, debug) {
    const filters = request.arguments?.filters;
    await debug.setExceptionBreakpoints(Array.isArray(filters) ? filters : []);
    return success(request);
  },

  threads(request, debug) {
    const threads = debug.threads().map((thread) => ({ id: thread.id, name: thread.name }));
    return success(request, { threads: threads.length > 0 ? threads : [{ id: MAIN_THREAD, name: 'Main Thread' }] });
  },

  stackTrace(request, debug) {
    const threadId = request.arguments?.threadId ?? MAIN_THREAD;
    const frames: DapStackFrame[] = [];
    for (const [id, { thread, frame }] of debug.frames) {
      if (thread.id !== threadId) continue;
      const where = debug.locate(thread, frame);
      if (!where) continue;
      const cellName = where.cell ? debug.cellName(thread, frame) : undefined;
      const name = frame.functionName || (cellName ? `<${cellName}>` : '<anonymous>');
      frames.push({ id, name, line: where.line, column: where.column, ...(where.path ? { source: { path: where.path } } : {}) });
    }
    return success(request, { stackFrames: frames, totalFrames: frames.length });
  },

  scopes(request, debug) {
    const stopped = debug.frames.get(request.arguments?.frameId);
    if (!stopped) return failure(request, 'no such frame: the thread is not stopped there');
    const scopes = [];
    // A cell's own frame is the function the kernel wraps it in: its local scope holds nothing the cell
    // declared (those are globals), and JupyterLab would open on it, empty.
    const cellFrame = stopped.frame.functionName === '' && debug.cellName(stopped.thread, stopped.frame) !== undefined;
    for (const scope of stopped.frame.scopeChain) {
      const objectId = scope.object.objectId;
      if (!objectId || !(scope.type in SCOPE_NAMES) || (cellFrame && scope.type === 'local')) continue;
      const only = scope.type === 'global' ? notebookNames(debug) : undefined;
      scopes.push({ name: SCOPE_NAMES[scope.type], variablesReference: debug.handles.add({ objectId, cdp: stopped.thread.cdp, ...(only ? { only } : {}) }), expensive: false });
    }
    return success(request, { scopes });
  },

  async variables(request, debug) {
    const handle = debug.handles.get(request.arguments?.variablesReference);
    if (!handle) return failure(request, 'no such variables reference (they last while the thread stays stopped)');
    return success(request, { variables: await variablesOf(handle.cdp, handle.objectId, debug.handles, handle.only) });
  },

  async inspectVariables(request, debug) {
    try {
      const cdp = await debug.cdp();
      const global = await globalObject(debug);
      if (!global.objectId) return success(request, { variables: [] });
      return success(request, { variables: await variablesOf(cdp, global.objectId, debug.handles, notebookNames(debug)) });
    } catch (error) {
      // JupyterLab reads body.variables without looking at success: an empty list, and the reason.
      return { ...success(request, { variables: [] }), message: (error as Error).message };
    }
  },

  async evaluate(request, debug) {
    const expression = request.arguments?.expression;
    if (typeof expression !== 'string') return failure(request, 'evaluate needs arguments.expression, a string');
    const frame = debug.frames.get(request.arguments?.frameId);
    const result = await evaluateIn(debug, toJavaScript(expression), request.arguments?.frameId);
    const variable = variableOf('result', result, debug.handles, frame?.thread.cdp ?? await debug.cdp());
    return success(request, { result: variable.value, type: typeOf(result), variablesReference: variable.variablesReference });
  },

  async richInspectVariables(request, debug) {
    const name = request.arguments?.variableName;
    if (typeof name !== 'string' || !IDENTIFIER.test(name)) return success(request, { data: {}, metadata: {} });
    const helper = `globalThis[Symbol.for(${JSON.stringify(DEBUG_HELPERS)})].bundle(${name})`;
    const bundle = await evaluateIn(debug, helper, request.arguments?.frameId, true);
    const data = typeof bundle.value === 'string' ? JSON.parse(bundle.value) as Record<string, unknown> : {};
    return success(request, { data, metadata: {} });
  },

  async copyToGlobals(request, debug) {
    const { srcVariableName: source, dstVariableName: target, srcFrameId: frameId } = request.arguments ?? {};
    if (!IDENTIFIER.test(String(source)) || !IDENTIFIER.test(String(target))) return failure(request, 'copyToGlobals needs two variable names');
    await evaluateIn(debug, `globalThis[${JSON.stringify(target)}] = ${source}`, frameId);
    debug.declareGlobal(target);
    return success(request);
  },

  async continue(request, debug) {
    await debug.resume('continue', request.arguments?.threadId);
    return success(request, { allThreadsContinued: false });
  },
  next: resumeWith('next'),
  stepIn: resumeWith('stepIn'),
  stepOut: resumeWith('stepOut'),
  pause: resumeWith('pause'),

  source(request, debug) {
    const path = request.arguments?.source?.path;
    const cell = typeof path === 'string' ? debug.cells.byPathName(path) : undefined;
    return cell ? success(request, { content: cell.code }) : failure(request, 'source unavailable');
  },

  modules: (request) => success(request, { modules: [], totalModules: 0 }),

  async disconnect(request, debug) {
    await debug.stop();
    return success(request);
  },
};

/** next, stepIn, stepOut, pause: the thread named goes on that way; the reply says nothing more. */
function resumeWith(command: 'next' | 'stepIn' | 'stepOut' | 'pause'): Command {
  return async (request, debug) => {
    await debug.resume(command, request.arguments?.threadId);
    return success(request);
  };
}

const SCOPE_NAMES: Record<string, string> = {
  local: 'Locals',
  block: 'Block',
  closure: 'Closure',
  catch: 'Catch',
  script: 'Script',
  global: 'Globals',
};

/**
 * In the stopped frame when there is one (of whichever thread), else in the notebook's global scope.
 * Not in V8's REPL mode: its answer waits for a microtask turn, which a cell's busy loop never gives.
 */
async function evaluateIn(debug: CellDebugger, expression: string, frameId?: unknown, byValue = false): Promise<RemoteObject> {
  const stopped = typeof frameId === 'number' ? debug.frames.get(frameId) : undefined;
  const frame = stopped?.frame;
  const cdp = stopped?.thread.cdp ?? await debug.cdp();
  const common = { expression, generatePreview: true, returnByValue: byValue, objectGroup: 'loom-debugger' };
  const answer = await (frame
    ? cdp.send<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }>('Debugger.evaluateOnCallFrame', { ...common, callFrameId: frame.callFrameId })
    : cdp.send<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text: string } }>('Runtime.evaluate', common));
  if (answer.exceptionDetails) throw new Error(answer.exceptionDetails.exception?.description?.split('\n')[0] ?? answer.exceptionDetails.text);
  return answer.result;
}

/**
 * globalThis, for inspectVariables. JupyterLab asks as soon as a cell starts, and V8
 * answers Runtime.evaluate only while the main thread is not paused: while stopped (or
 * once the cell stops) it is read on the paused frame instead, at once.
 */
async function globalObject(debug: CellDebugger): Promise<RemoteObject> {
  const onPausedFrame = () => evaluateIn(debug, 'globalThis', debug.mainFrameIds()[0]);
  if (debug.mainFrameIds().length > 0) return onPausedFrame();
  return Promise.race([evaluateIn(debug, 'globalThis'), debug.nextMainStop().then(onPausedFrame)]);
}

/** What a user types in the debug console or a condition is TypeScript: strip the types. */
function toJavaScript(expression: string): string {
  const output = ts.transpileModule(`(${expression}\n)`, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  const trimmed = output.replace(/^export \{\};\s*/m, '').trim().replace(/;$/, '');
  return trimmed === '' ? expression : trimmed;
}

/** How long a request may wait for the executor (one that is running a cell starts its debug relay only when the cell ends). */
const REQUEST_TIMEOUT_MS = 15_000;

/** Answers one debug_request; never throws, never waits forever. */
export async function handleDebugRequest(request: DapRequest, debug: CellDebugger): Promise<DapResponse> {
  const command = Object.hasOwn(COMMANDS, request.command) ? COMMANDS[request.command] : undefined;
  if (!command) return failure(request, `the ${JSON.stringify(request.command)} request is not supported by Loom's debugger`);
  if (!debug.started && !STATIC.has(request.command)) return failure(request, 'the debugger is not started: send initialize and attach first');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<DapResponse>((resolve) => {
    timer = setTimeout(() => resolve(failure(request, `no answer from the executor within ${REQUEST_TIMEOUT_MS / 1000} s: a running cell holds its main thread (the debugger connects between cells, or stops at a breakpoint)`)), REQUEST_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => command(request, debug)), late]);
  } catch (error) {
    return failure(request, (error as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/** Requests answered without a started debugger (as ipykernel's static handlers). */
const STATIC = new Set(['initialize', 'attach', 'debugInfo', 'dumpCell', 'source', 'modules', 'disconnect']);
