/**
 * A hub's spare child (src/internal/hub/spare.ts) is spawned before anyone
 * knows which work, under which output tag, will take it: the work that
 * does must behave as in a fresh child. Its console output and display()
 * carry the tag of its own start() (the host's preloads come with its work,
 * not with the spare), and interruptWork of that tag terminates it.
 * (CPython has no output tags; its forkserver children are checked by the
 * whole of _test_multiprocessing run under test_multiprocessing_forkserver.)
 */
import assert from 'node:assert/strict';
import { BroadcastChannel, setEnvironmentData } from 'node:worker_threads';
import { after, before, test } from 'node:test';
import { interruptWork, outputHooks, processHooks, threadHooks } from '../../src/host/index.js';
import { multiprocessing, Process } from '../../src/index.js';
import { CHANNEL_NAME, TEST_HOST_KEY, type Received } from './fixtures/host-display.js';
import { assertNothingLeftAtEnd } from './helpers.js';
import { withSpare } from './spare-child.js';

declare global {
  /** loom/host's displayFromChild, as the fixture host defines it in every thread and child. */
  function hostDisplay(data: string, tag?: string): void;
}

assertNothingLeftAtEnd();

const PRELOAD = require.resolve('./fixtures/host-display.js');
let tag: string | undefined;
const received: Received[] = [];
let arrived: () => void = () => {};
const channel = new BroadcastChannel(CHANNEL_NAME);
channel.onmessage = (event: unknown) => {
  received.push((event as { data: Received }).data);
  arrived();
};

before(() => {
  setEnvironmentData(TEST_HOST_KEY, true);
  require(PRELOAD);
  threadHooks.threadPreload = [PRELOAD];
  processHooks.processPreload = [PRELOAD];
  outputHooks.outputTag = () => tag;
});

after(() => {
  channel.close();
  threadHooks.threadPreload = [];
  processHooks.processPreload = [];
  outputHooks.outputTag = () => undefined;
});

/** What has arrived once `count` lines have (the test's timeout bounds the wait), as "tag kind text". */
async function receive(count: number): Promise<string[]> {
  const lines = (): string[] => received.flatMap((r) => r.kind === 'display'
    ? [`${r.tag} display ${r.data}`]
    : r.text.split('\n').filter(Boolean).map((line) => `${r.tag} output ${line}`));
  while (lines().length < count) await new Promise<void>((resolve) => { arrived = resolve; });
  const got = lines();
  received.length = 0;
  return got;
}

test('a Process on the spare prints and displays under the tag of its own start()', { timeout: 60_000 }, async () => {
  tag = 'held';
  await withSpare(async (spare) => {
    tag = 'cell-2';
    const p = new Process({ target: () => { console.log('before'); hostDisplay('shown'); console.log('after'); } });
    p.start();
    assert.equal(p.pid, spare, 'the Process took the spare');
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.deepEqual(await receive(3), ['cell-2 output before', 'cell-2 display shown', 'cell-2 output after']);
  });
});

test('interruptWork(tag) terminates a Process running on the spare, as a fresh one', { timeout: 60_000 }, async () => {
  tag = 'held';
  await withSpare(async (spare) => {
    tag = 'cell-3';
    const started = new multiprocessing.Queue<number>();
    const p = new Process({
      target: (started: multiprocessing.Queue<number>) => {
        started.putSync(process.pid);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
      },
      args: [started],
    });
    p.start();
    assert.equal(await started.get(), spare, 'the Process took the spare');
    interruptWork('cell-3');
    await p.join();
    assert.equal(p.exitCode, -15);
  });
});
