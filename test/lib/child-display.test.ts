/**
 * loom/host's displayFromChild: a host's rich output (a notebook's display())
 * from a child process a host tagged, and from the child's threads and
 * children, reaches childIoHooks.childDisplay in the starter's hub with the
 * tag of the work, in order with the child's console output; a child no host
 * tagged refuses it. (No CPython counterpart: ipykernel does not route a
 * multiprocessing child's display() to the notebook at all.)
 */
import assert from 'node:assert/strict';
import { BroadcastChannel, setEnvironmentData } from 'node:worker_threads';
import { after, before, test } from 'node:test';
import { Pool, Process, Thread } from '../../src/index.js';
import { outputHooks, processHooks, threadHooks } from '../../src/host/index.js';
import { CHANNEL_NAME, TEST_HOST_KEY, type Received } from './fixtures/host-display.js';
import { assertNothingLeftAtEnd } from './helpers.js';

declare global {
  /** loom/host's displayFromChild, as the fixture host defines it in every thread and child. */
  function hostDisplay(data: string, tag?: string): void;
}

assertNothingLeftAtEnd();

const PRELOAD = require.resolve('./fixtures/host-display.js');
let tag: string | undefined = 'cell-1';
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

/** What has arrived once `count` messages have (the test's timeout bounds the wait); output lines one by one. */
async function receive(count: number): Promise<string[]> {
  const lines = (): string[] => received.flatMap((r) => r.kind === 'display'
    ? [`${r.tag} display ${r.data}`]
    : r.text.split('\n').filter(Boolean).map((line) => `${r.tag} output ${line}`));
  while (lines().length < count) await new Promise<void>((resolve) => { arrived = resolve; });
  const got = lines();
  received.length = 0;
  return got;
}

test('a process sends its display to the hook with its tag, between its console lines', { timeout: 30_000 }, async () => {
  tag = 'cell-1';
  const p = new Process({ target: () => { console.log('before'); hostDisplay('{"shown":1}'); console.log('after'); } });
  p.start();
  await p.join();
  assert.deepEqual(await receive(3), ['cell-1 output before', 'cell-1 display {"shown":1}', 'cell-1 output after']);
});

test('each pool task displays with the tag of the cell that submitted it', { timeout: 30_000 }, async () => {
  using pool = new Pool(1);
  tag = 'cell-2';
  const first = pool.apply(() => hostDisplay('first'));
  tag = 'cell-3';
  const second = pool.apply(() => hostDisplay('second'));
  await Promise.all([first, second]);
  assert.deepEqual(await receive(2), ['cell-2 display first', 'cell-3 display second']);
});

test("a child's threads and its own children display with the child's tag, through its hub", { timeout: 30_000 }, async () => {
  tag = 'cell-4';
  const p = new Process({
    target: async () => {
      const inner = new Thread({ target: () => hostDisplay('from a thread of the child') });
      inner.start();
      await inner.join();
      const grandchild = new Process({ target: () => hostDisplay('from the grandchild') });
      grandchild.start();
      await grandchild.join();
    },
  });
  p.start();
  await p.join();
  assert.deepEqual(await receive(2), ['cell-4 display from a thread of the child', 'cell-4 display from the grandchild']);
});

test('a child whose work no host tagged refuses to display, saying why', { timeout: 30_000 }, async () => {
  tag = undefined;
  const p = new Process({ target: () => hostDisplay('nowhere') });
  p.start();
  await assert.rejects(p.join(), /display\(\) in a child process needs a notebook to show in/);
});
