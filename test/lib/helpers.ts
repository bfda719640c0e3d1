/** Shared by the library tests: every test file ends by proving that no worker thread is left. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after } from 'node:test';
import { whenWorkersExited } from '../../src/index.js';
import { descendantsOf, isAlive, waitForExit } from '../helpers/processes.js';

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

/** Sets `gate[0]` and wakes what waits on it: lets go the calls a test holds on a gate. */
export function openGate(gate: Int32Array): void {
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
}

/**
 * Registers an `after` hook failing the file if a worker thread or a child
 * process it started is still alive (5 s upper bound each): pools, executors
 * and processes must leave nothing behind.
 */
export function assertNothingLeftAtEnd(): void {
  after(async () => {
    assert.equal(await whenWorkersExited(5000), 0, 'worker threads still alive at the end of the file');
    await waitForExit(descendantsOf(process.pid), 5000);
  });
}

/** Child processes of this one that are still running (zombies not counted), from /proc. */
export function childProcesses(): number[] {
  return descendantsOf(process.pid).filter(isAlive);
}

/** Open file descriptors of this process. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Threads of this process (the OS's count, main thread included). */
export function osThreads(): number {
  return readdirSync('/proc/self/task').length;
}
