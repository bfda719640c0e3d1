/**
 * loom's Queue against a raw MessagePort, in one run: N small messages (ints),
 * N short strings, and 10,000 items of 10 KB from a producer thread to the main
 * thread. Prints messages per second and the ratio loom / MessagePort.
 *
 *   npx tsc -p . && node dist/bench/queue.js [N]
 */
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Queue } from '../src/queue/index.js';
import { Event, Thread } from '../src/threading/index.js';

const N = Number(process.argv[2] ?? 1_000_000);

type Kind = 'int' | 'string' | '10KB';
const counts: Record<Kind, number> = { int: N, string: N, '10KB': 10_000 };

/** Producer thread puts `count` items after `go`; the main thread gets them all. */
async function loomQueue(kind: Kind): Promise<number> {
  const q = new Queue({ byteCapacity: 8 << 20 });
  const ready = new Event();
  const go = new Event();
  const producer = new Thread({
    target: (q: Queue, ready: Event, go: Event, kind: Kind, count: number) => {
      const big = 'x'.repeat(10_240);
      ready.set();
      go.waitSync();
      if (kind === 'int') for (let i = 0; i < count; i++) q.putSync(i);
      else if (kind === 'string') for (let i = 0; i < count; i++) q.putSync(`item ${i}`);
      else for (let i = 0; i < count; i++) q.putSync(big);
    },
    args: [q, ready, go, kind, counts[kind]],
  });
  producer.start();
  ready.waitSync();
  const t0 = performance.now();
  go.set();
  for (let i = 0; i < counts[kind]; i++) q.getSync();
  const seconds = (performance.now() - t0) / 1000;
  await producer.join();
  return counts[kind] / seconds;
}

const PORT_PRODUCER = `
const { workerData } = require('node:worker_threads');
const { port, kind, count } = workerData;
const big = 'x'.repeat(10240);
port.once('message', () => {
  if (kind === 'int') for (let i = 0; i < count; i++) port.postMessage(i);
  else if (kind === 'string') for (let i = 0; i < count; i++) port.postMessage('item ' + i);
  else for (let i = 0; i < count; i++) port.postMessage(big);
  port.close();
});
port.postMessage('ready');
`;

async function messagePort(kind: Kind): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(PORT_PRODUCER, { eval: true, workerData: { port: port2, kind, count: counts[kind] }, transferList: [port2] });
  await new Promise((resolve) => port1.once('message', resolve));
  let received = 0;
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => port1.on('message', () => {
    if (++received === counts[kind]) resolve();
  }));
  port1.postMessage('go');
  await done;
  const seconds = (performance.now() - t0) / 1000;
  port1.close();
  await worker.terminate();
  return counts[kind] / seconds;
}

const format = (rate: number): string => (rate >= 1e6 ? `${(rate / 1e6).toFixed(2)}M/s` : `${(rate / 1e3).toFixed(0)}k/s`);

async function main(): Promise<void> {
  console.log(`queue bench: producer thread -> main thread, best of 3 (N = ${N})`);
  for (const kind of ['int', 'string', '10KB'] as Kind[]) {
    let loom = 0;
    let port = 0;
    for (let round = 0; round < 3; round++) {
      loom = Math.max(loom, await loomQueue(kind));
      port = Math.max(port, await messagePort(kind));
    }
    console.log(`${kind.padEnd(7)} ${String(counts[kind]).padStart(8)} items  loom Queue ${format(loom).padStart(9)}  MessagePort ${format(port).padStart(9)}  ratio ${(loom / port).toFixed(2)}x`);
  }
}

void main();
