import type { FromExecutor } from '../executor/messages.js';
import { log } from '../log.js';
import { childOf } from './builder.js';
import type { KernelContext } from './context.js';
import type { StreamName } from './iopub-contents.js';

/**
 * Turns what the executor produced into iopub (or stdin) messages, each
 * parented to the cell that produced it.
 */
export function forwardFrame(frame: FromExecutor, ctx: KernelContext): void {
  if (frame.type === 'ready' || frame.type === 'done') return;
  const cell = ctx.cells.get(frame.parent);
  if (!cell) {
    log.warn(`executor output for an unknown cell ${frame.parent}; dropped`);
    if (frame.type === 'input_request') {
      ctx.executor.inputRequested();
      ctx.executor.sendInput({ type: 'input_unavailable' });
    }
    return;
  }
  const parent = cell.request;
  if (cell.silent && frame.type !== 'input_request') return;
  switch (frame.type) {
    case 'stream':
      ctx.iopub.stream(parent, frame.name, frame.text);
      return;
    case 'display': {
      const transient = frame.displayId === undefined ? {} : { display_id: frame.displayId };
      ctx.iopub.publish(parent, frame.update ? 'update_display_data' : 'display_data', { data: frame.data, metadata: frame.metadata, transient });
      return;
    }
    case 'clear':
      ctx.iopub.publish(parent, 'clear_output', { wait: frame.wait });
      return;
    case 'result':
      if (typeof frame.data['text/plain'] === 'string') ctx.history.setOutput(cell.executionCount, frame.data['text/plain']);
      ctx.iopub.publish(parent, 'execute_result', { execution_count: cell.executionCount, data: frame.data, metadata: frame.metadata });
      return;
    case 'late_error':
      ctx.iopub.publish(parent, 'error', frame.error);
      return;
    case 'input_request':
      ctx.executor.inputRequested();
      if (!cell.allowStdin) {
        ctx.executor.sendInput({ type: 'input_unavailable' });
        return;
      }
      // Output printed before the prompt must be on screen before the prompt.
      ctx.iopub.flush();
      ctx.sendStdin(childOf(ctx.identity, parent, 'input_request', { prompt: frame.prompt, password: frame.password }));
      return;
  }
}

/** Text the executor wrote outside our console goes to the newest cell, or to the log. */
export function forwardRaw(ctx: KernelContext, name: StreamName, text: string): void {
  const cell = ctx.cells.last();
  if (cell) ctx.iopub.stream(cell.request, name, text);
  else log.info(`executor ${name}: ${text.trimEnd()}`);
}

/** The executor was replaced while no cell ran: the type checker forgets, and the newest cell says why. */
export function announceLost(ctx: KernelContext, what: string): void {
  ctx.language.reset();
  const cell = ctx.cells.last();
  if (cell) ctx.iopub.stream(cell.request, 'stderr', `\n[loom] ${what}\n`);
}
