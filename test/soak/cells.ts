/**
 * The soak's cells: one kind after another, each with the code for cell i
 * and a check of what came back. Cells declare nothing at the top level (their
 * work is in a block), so the notebook does not grow: memory that grows is a leak.
 */
import type { Execution, ExecuteOptions } from '../../kernel/client/client.js';

export interface CellKind {
  name: string;
  code: (i: number) => string;
  /** What is wrong with the execution, or undefined if all is as expected. */
  check: (execution: Execution, i: number) => string | undefined;
  answer?: ExecuteOptions['onInput'];
}

/** Run once: the imports and the helpers the cells use, a cell-defined function among them. */
export const SETUP = [
  "import { Pool, ThreadPool } from 'loom/multiprocessing';",
  "import { Thread, Lock } from 'loom/threading';",
  "import { ThreadPoolExecutor } from 'loom/futures';",
  'const OFFSET = 1000;',
  'function shifted(x: number): number { return x * x + OFFSET; }',
].join('\n');

/**
 * Run before each memory sample and not counted among the cells: two full garbage collections in
 * the executor, so that its RSS is what it keeps rather than garbage V8 has not collected yet. V8
 * lets its heap grow lazily: without this the executor's RSS moved between 216 and 334 MiB in one
 * 5,000-cell run, while after a collection it stays between about 150 and 170 MiB.
 */
export const COLLECT_GARBAGE = [
  '{',
  "  const v8 = await import('node:v8');",
  "  const vm = await import('node:vm');",
  "  v8.setFlagsFromString('--expose-gc');",
  "  const gc = vm.runInNewContext('gc') as () => void;",
  '  gc();',
  '  gc();',
  '}',
].join('\n');

function streamText(execution: Execution, name = 'stdout'): string {
  return execution.iopub.filter((m) => m.header.msg_type === 'stream' && m.content.name === name).map((m) => String(m.content.text)).join('');
}

function result(execution: Execution): string | undefined {
  return execution.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'];
}

/** Checks the reply was ok and `got` is `wanted`. */
function expectOk(execution: Execution, got: string | undefined, wanted: string): string | undefined {
  const { content } = execution.reply;
  if (content.status !== 'ok') return `status ${content.status}: ${content.ename}: ${content.evalue}`;
  return got === wanted ? undefined : `expected ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}`;
}

export const CELL_KINDS: CellKind[] = [
  {
    name: 'output',
    code: (i) => `for (let k = 0; k < 20; k++) console.log('cell ${i} line', k);`,
    check: (e, i) => expectOk(e, streamText(e), Array.from({ length: 20 }, (_, k) => `cell ${i} line ${k}\n`).join('')),
  },
  {
    name: 'result',
    code: (i) => `({ cell: ${i}, twice: ${i} * 2 })`,
    check: (e, i) => expectOk(e, result(e), `{ cell: ${i}, twice: ${2 * i} }`),
  },
  {
    name: 'display',
    code: (i) => `display.html('<b>${i}</b>'); display.markdown('**${i}**');`,
    check: (e, i) => expectOk(e, e.iopub.filter((m) => m.header.msg_type === 'display_data').map((m) => m.content.data['text/html'] ?? m.content.data['text/markdown']).join(' '), `<b>${i}</b> **${i}**`),
  },
  {
    name: 'error',
    code: (i) => `{\n  const fail = (n: number) => { throw new RangeError('soak ' + n); };\n  fail(${i});\n}`,
    check: (e, i) => {
      const { content } = e.reply;
      if (content.status !== 'error') return `status ${content.status}, expected error`;
      return content.ename === 'RangeError' && content.evalue === `soak ${i}` ? undefined : `got ${content.ename}: ${content.evalue}`;
    },
  },
  {
    name: 'threads',
    code: (i) => [
      '{',
      '  const lock = new Lock();',
      '  const workers = [0, 1].map((w) => new Thread({ target: (lock: Lock, w: number) => { using _ = lock.holdSync(); console.log(`thread ${w} of cell ' + i + '`); }, args: [lock, w] }));',
      '  workers.forEach((t) => t.start());',
      '  for (const t of workers) await t.join();',
      '}',
    ].join('\n'),
    check: (e, i) => expectOk(e, streamText(e).split('\n').filter(Boolean).sort().join('|'), `thread 0 of cell ${i}|thread 1 of cell ${i}`),
  },
  {
    name: 'input from a thread',
    code: (i) => `{\n  const asker = new Thread({ target: () => console.log('heard', input('cell ${i}? ')) });\n  asker.start();\n  await asker.join();\n}`,
    check: (e, i) => expectOk(e, streamText(e), `heard answer to cell ${i}?\n`),
    answer: (prompt) => `answer to ${prompt.trim()}`,
  },
  {
    name: 'process pool',
    code: (i) => `{\n  await using pool = new Pool(2);\n  console.log(await pool.map(shifted, [${i}, ${i + 1}]));\n}`,
    check: (e, i) => expectOk(e, streamText(e), `[ ${i * i + 1000}, ${(i + 1) * (i + 1) + 1000} ]\n`),
  },
  {
    name: 'thread pool',
    code: (i) => `{\n  await using pool = new ThreadPool(2);\n  console.log((await pool.map(shifted, [${i}, 1, 2], { chunksize: 1 })).join(' '));\n}`,
    check: (e, i) => expectOk(e, streamText(e), `${i * i + 1000} 1001 1004\n`),
  },
  {
    name: 'executor',
    code: (i) => `{\n  using executor = new ThreadPoolExecutor({ maxWorkers: 2 });\n  console.log(await executor.submit((x: number) => x + 1, ${i}));\n}`,
    check: (e, i) => expectOk(e, streamText(e), `${i + 1}\n`),
  },
];
