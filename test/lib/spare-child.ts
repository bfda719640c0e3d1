/**
 * Finding a hub's spare child (src/internal/hub/spare.ts) from a test: the
 * child of this process that loom does not count as a live child. Shared by
 * the spare's tests.
 */
import assert from 'node:assert/strict';
import { liveChildPids, multiprocessing, Process } from '../../src/index.js';
import { descendantsOf, isAlive } from '../helpers/processes.js';

/** The child of this process that is neither `held` nor counted by loom as a live child: the spare. Waits for it (20 s at most: a loaded machine boots Node slowly). */
export async function spareBeside(held: Process): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const spare = descendantsOf(process.pid).filter((child) => child !== held.pid && isAlive(child) && !liveChildPids().includes(child));
    if (spare.length === 1) return spare[0];
    assert.ok(Date.now() < deadline, `no spare child appeared (children: ${descendantsOf(process.pid).join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs `body` while a Process runs (held on a queue, so the hub, and its
 * spare, stay in use), with the spare's pid; the held Process is let go and
 * joined afterwards, also when `body` fails. A Process runs and ends first:
 * a hub keeps a spare from its second start on.
 */
export async function withSpare(body: (spare: number, held: Process) => Promise<void>): Promise<void> {
  const first = new Process({ target: () => {} });
  first.start();
  await first.join();
  const gate = new multiprocessing.Queue<number>();
  const held = new Process({ target: (g: multiprocessing.Queue<number>) => g.getSync(), args: [gate] });
  held.start();
  try {
    await body(await spareBeside(held), held);
  } finally {
    gate.putSync(1);
    await held.join();
  }
}
