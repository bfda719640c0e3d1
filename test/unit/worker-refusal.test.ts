/**
 * `loom worker`'s log text for BullMQ's refusal of a late result, on BullMQ's
 * own message formats (bullmq/dist/cjs/classes/scripts.js, finishedErrors:
 * "Lock mismatch for job ID. Cmd CMD from STATE", "Missing lock for job ID. CMD").
 * The end-to-end case is test/cluster/worker-stopped.test.ts. (No CPython
 * counterpart: its pools have no leases.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerErrorText } from '../../src/distributed/worker-refusal.js';

test('a result refused because another worker holds the job now', () => {
  assert.equal(workerErrorText('Lock mismatch for job 17. Cmd moveToFinished from active'),
    'the result of job 17 came after its lease had passed to another worker: refused (the run that holds the lease gives the result)');
});

test('a result refused because the job went back to the queue; job ids with dots are kept whole', () => {
  assert.match(workerErrorText('Missing lock for job a.b.3. moveToFinished'), /^the result of job a\.b\.3 came after its lease had passed back to the queue, to run again: refused/);
});

test('other errors, and lock errors of other commands, are passed on unchanged', () => {
  for (const message of ['Connection is closed.', 'Missing lock for job 4. extendLock', 'Lock mismatch for job 5. Cmd moveToDelayed from active']) {
    assert.equal(workerErrorText(message), message);
  }
});
