/**
 * The main of `loom worker URL --processes N [--secret-file F] [--root DIR]
 * [--lease S] [--prefix P]`, loaded by bin/loom.js. SIGTERM or SIGINT: finish
 * the running tasks, leave the registry, exit. Exit codes: 0 stopped, 1
 * failed, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { redactUrl } from '../internal/cluster/redact.js';
import { describeWorker, startWorker } from './worker.js';

const USAGE = `usage: loom worker REDIS_URL [--processes N] [--secret-file FILE] [--root DIR] [--lease SECONDS] [--prefix PREFIX]
  --processes N       tasks run at once, each in a child process (default: the CPUs)
  --secret-file FILE  the cluster's secret: jobs without a valid signature are never run (or LOOM_SECRET)
  --root DIR          where tasks resolve packages, and their working directory (default: .)
  --lease SECONDS     how long a task stays taken without its lease renewed (default 30)
  --prefix PREFIX     the cluster's key prefix (default loom)`;

function positive(name: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number; got ${text}`);
  return value;
}

async function main(args: string[]): Promise<number> {
  let parsed;
  let processes: number;
  let lease: number;
  try {
    parsed = parseArgs({
      args, allowPositionals: true,
      options: { processes: { type: 'string' }, 'secret-file': { type: 'string' }, root: { type: 'string' }, lease: { type: 'string' }, prefix: { type: 'string' }, help: { type: 'boolean' } },
    });
    if (parsed.values.help) {
      console.log(USAGE);
      return 0;
    }
    if (parsed.positionals.length !== 1 || !/^rediss?:\/\//.test(parsed.positionals[0])) throw new Error('expected exactly one REDIS_URL (redis://... or rediss://...)');
    processes = positive('processes', parsed.values.processes, cpus().length, true);
    lease = positive('lease', parsed.values.lease, 30, false);
  } catch (error) {
    console.error(`loom worker: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const url = parsed.positionals[0];
  try {
    const { values } = parsed;
    const file = values['secret-file'];
    const secret = file !== undefined ? readFileSync(file, 'utf8').trim() : process.env.LOOM_SECRET || undefined;
    const worker = await startWorker({
      url, secret, root: values.root, prefix: values.prefix, processes, lease,
    });
    console.log(describeWorker(worker.info, url));
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await worker.stop();
    return 0;
  } catch (error) {
    console.error(`loom worker (${redactUrl(url)}): ${(error as Error).message}`);
    return 1;
  }
}

void main(process.argv.slice(3)).then((code) => process.exit(code));
