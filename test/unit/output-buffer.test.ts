/**
 * The executor's shared output buffer when a thread dies holding its lock: an
 * interrupt terminates a pool thread wherever it is, also half way through an
 * append. releaseLocksOf must undo the half-done append and free the lock, or
 * every later console.log of the notebook would wait forever.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, it } from 'node:test';
import { OutputBuffer } from '../../kernel/executor/runtime/output-buffer.js';
import { streamPrefix } from '../../kernel/executor/runtime/stream-prefix.js';

const LOCK = 0;
const LENGTH = 1;
const HEADER_BYTES = 32;

/** A thread that takes the data lock as OutputBuffer does, starts joining text to the last stream frame, and dies. */
async function dieHoldingTheLock(shared: SharedArrayBuffer): Promise<number> {
  const worker = new Worker(
    `const { workerData, threadId } = require('node:worker_threads');
     const header = new Int32Array(workerData, 0, 8);
     Atomics.store(header, 0, threadId + 1);
     // Joining text overwrites the closing '"}\\n' of the last stream frame first: then it "dies".
     const length = header[1];
     Buffer.from(workerData, 32).write('half', length - 3, 'latin1');`,
    { eval: true, workerData: shared },
  );
  const id = worker.threadId;
  await once(worker, 'exit');
  return id;
}

describe('output buffer', () => {
  it('a_dead_threads_lock_is_freed_and_its_half_append_undone', async () => {
    const buffer = new OutputBuffer();
    const header = new Int32Array(buffer.shared, 0, HEADER_BYTES / 4);
    const prefix = streamPrefix('cell-1', 'stdout');
    buffer.appendStream(prefix, 'before\\n');
    const dead = await dieHoldingTheLock(buffer.shared);
    assert.equal(header[LOCK], dead + 1, 'the dead thread still holds the lock');

    buffer.releaseLocksOf(dead);
    assert.equal(header[LOCK], 0);
    // Another cell's text starts a frame of its own, so the damaged end of the first must have been mended.
    buffer.appendStream(streamPrefix('cell-2', 'stdout'), 'after\\n'); // would wait forever on the dead holder
    const text = Buffer.from(buffer.shared, HEADER_BYTES, header[LENGTH]).toString('utf8');
    const frames = text.trim().split('\n').map((line) => JSON.parse(line) as { parent: string; text: string });
    assert.deepEqual(frames.map((f) => [f.parent, f.text]), [['cell-1', 'before\n'], ['cell-2', 'after\n']]);
  });

  it('a_lock_held_by_a_live_thread_is_left_alone', () => {
    const buffer = new OutputBuffer();
    const header = new Int32Array(buffer.shared, 0, HEADER_BYTES / 4);
    header[LOCK] = 12345 + 1;
    buffer.releaseLocksOf(999);
    assert.equal(header[LOCK], 12346);
  });
});
