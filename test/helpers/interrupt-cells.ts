/**
 * Cells for the interrupt tests (interrupt-workers, interrupt-thread-workers):
 * a cell that must succeed, and a cell interrupted once the tasks it waits
 * for have said they started. Every task prints `started N in PID:THREAD`
 * when it starts, so the interrupt comes after an observable state, never
 * after a sleep.
 */
import assert from 'node:assert/strict';
import type { KernelClient, Message } from '../../kernel/client/client.js';
import { ofType } from './outputs.js';

export interface InterruptCells {
  /** Runs a cell that must succeed; returns its result's text. */
  ok(code: string): Promise<string>;
  /** Runs a cell and interrupts it once `count` tasks have started; the reply, and where they ran ("pid:threadId"). */
  interruptOnceStarted(code: string, count: number): Promise<{ reply: Message; places: string[] }>;
}

export function interruptCells(kernel: () => KernelClient): InterruptCells {
  return {
    async ok(code) {
      const { reply, iopub } = await kernel().execute(code);
      assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}`);
      return String(ofType(iopub, 'execute_result')[0]?.content.data['text/plain'] ?? '');
    },
    async interruptOnceStarted(code, count) {
      const places: string[] = [];
      let text = '';
      const { reply } = await kernel().execute(code, {
        onOutput: (m) => {
          if (m.header.msg_type !== 'stream') return;
          text += String(m.content.text);
          const seen = [...text.matchAll(/started \d+ in (\d+:\d+)/g)].map((match) => match[1]!);
          if (places.length < count && seen.length >= count) {
            places.push(...seen);
            void kernel().interrupt();
          }
        },
      });
      return { reply, places };
    },
  };
}

/** The pids of the processes that ran tasks, from their places ("pid:threadId"). */
export const pidsOf = (places: string[]): number[] => places.map((place) => Number(place.split(':')[0]));
