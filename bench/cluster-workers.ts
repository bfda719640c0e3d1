/**
 * The BullMQ side of bench/cluster.ts's "BullMQ alone" rows: a forked child
 * running one BullMQ Worker with `concurrency` slots on the task the other
 * rows run (x + 1), loading nothing of loom. It says `ready` over IPC once its
 * connections are up, and closes its worker (finishing nothing new) when its
 * parent says `stop` or goes away.
 *
 *   fork('cluster-workers.js', ['bullmq', URL, QUEUE, CONCURRENCY])
 */
import { Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { inc } from './lib-workers.js';

async function serve(url: string, queue: string, concurrency: number): Promise<void> {
  // A Worker blocks on its connection: ioredis must not give up on a command (BullMQ requires this setting).
  const connection = new IORedis(url, { maxRetriesPerRequest: null });
  const worker = new Worker(queue, async (job: Job<{ x: number }>) => inc(job.data.x), { connection, concurrency, autorun: true });
  worker.on('error', (error) => process.stderr.write(`bullmq worker: ${error.message}\n`));
  await worker.waitUntilReady();
  const stop = async (): Promise<void> => {
    await worker.close();
    connection.disconnect();
    process.exit(0);
  };
  process.on('message', (message) => message === 'stop' && void stop());
  process.on('disconnect', () => void stop());
  process.send!('ready');
}

if (require.main === module) {
  const [mode, url, queue, concurrency] = process.argv.slice(2);
  if (mode === 'bullmq') void serve(url, queue, Number(concurrency));
}
