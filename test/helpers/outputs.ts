import type { Message } from '../../kernel/client/client.js';

/** All stream text of one stream in a cell's iopub messages. */
export function streamText(iopub: Message[], name: 'stdout' | 'stderr' = 'stdout'): string {
  return iopub.filter((m) => m.header.msg_type === 'stream' && m.content.name === name).map((m) => m.content.text as string).join('');
}

export function ofType(iopub: Message[], type: string): Message[] {
  return iopub.filter((m) => m.header.msg_type === type);
}
