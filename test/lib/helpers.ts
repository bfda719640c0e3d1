/** Shared by the library tests: every test file ends by proving that no worker thread is left. */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { whenWorkersExited } from '../../src/index.js';

/** Registers an `after` hook failing the file if a worker started by it is still alive (5 s upper bound). */
export function assertNoWorkersLeftAtEnd(): void {
  after(async () => {
    assert.equal(await whenWorkersExited(5000), 0, 'worker threads still alive at the end of the file');
  });
}

/** A shared Int32Array of `n` cells, zeroed. */
export function cells(n = 1): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}
