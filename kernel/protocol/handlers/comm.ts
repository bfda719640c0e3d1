import type { KernelContext } from '../context.js';
import type { Request } from '../messages.js';
import { ok } from '../reply-builders.js';
import type { CommInfoReply } from '../replies.js';

/** Loom registers no comm targets yet: it says so, and closes comms opened to it. */
export function commInfo(): CommInfoReply {
  return ok({ comms: {} });
}

export function commOpen(request: Request<'comm_open'>, ctx: KernelContext): undefined {
  const commId = request.content.comm_id;
  if (typeof commId === 'string') ctx.iopub.publish(request, 'comm_close', { comm_id: commId, data: {} });
  return undefined;
}

/** Messages to comms that do not exist are ignored, as Jupyter's kernels do. */
export function commIgnored(): undefined {
  return undefined;
}
