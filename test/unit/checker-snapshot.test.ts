/**
 * The checker's start-up snapshot (kernel/checker/snapshot.ts) and its
 * process (checker-process.ts): a checker started from a snapshot answers as
 * one started the ordinary way; a snapshot built from other files, or one
 * Node cannot load, is not used and loses no request; the checker process
 * ignores Ctrl+C (the executor's) and ends when the kernel's process is gone.
 * Every snapshot here is built into a temporary folder of the test's own.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LanguageService } from '../../kernel/checker/client.js';
import { buildSnapshot, usableSnapshot } from '../../kernel/checker/snapshot.js';

const ROOT = resolve(__dirname, '..', '..', '..');
// The shared checkers these tests start (in their own folders) leave soon after their last kernel.
process.env.LOOM_CHECKER_IDLE_MS = '300';
const MODULE = join(ROOT, 'dist', 'kernel', 'checker', 'client.js');

/** Cells whose answers must not depend on how the checker started: errors, Node's types, an import of loom, a lib reference. */
const CELLS = [
  'const n: number = "text";',
  'const b: Buffer = Buffer.from("x");\nconst home: string | undefined = process.env.HOME;',
  "import { readFileSync } from 'node:fs';\nconst t: number = readFileSync('x', 'utf8');",
  "import { Queue } from 'loom/queue';\nconst q = new Queue<number>();\nq.putNowait('no');",
  '/// <reference lib="dom" />\nconst title: string = document.title;',
  'const n: number = await fetch("http://x");',
];

async function answers(ls: LanguageService): Promise<unknown[]> {
  const found: unknown[] = [];
  for (const cell of CELLS) found.push(await ls.check(cell));
  found.push((await ls.complete('Math.fl', 7)).matches);
  found.push((await ls.inspect('setTimeout', 10, 0)).data);
  return found;
}

/** Whether a process is still running: there, and not a zombie waiting to be reaped by its new parent. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('the checker started from its snapshot', () => {
  let dir: string;
  let blob: string | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loom-snapshot-test-'));
    blob = await buildSnapshot(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a snapshot that this build and Node can use', () => {
    assert.ok(blob, 'the build succeeded');
    assert.equal(usableSnapshot(dir), blob);
  });

  it('answers checks, completions and inspections as the checker started without it', async () => {
    const fromSnapshot = new LanguageService({ cwd: ROOT, snapshotDir: dir });
    const ordinary = new LanguageService({ cwd: ROOT, snapshotDir: null });
    try {
      const expected = await answers(ordinary);
      assert.equal(ordinary.checker?.fromSnapshot, false);
      assert.deepEqual(await answers(fromSnapshot), expected);
      assert.equal(fromSnapshot.checker?.fromSnapshot, true);
      assert.ok((expected[0] as unknown[]).length > 0, 'the first cell has its type error');
    } finally {
      await Promise.all([fromSnapshot.close(), ordinary.close()]);
    }
  });

  it('sees the cells that ran, in a notebook folder of its own', async () => {
    const notebook = mkdtempSync(join(tmpdir(), 'loom-snapshot-notebook-'));
    const ls = new LanguageService({ cwd: notebook, snapshotDir: dir });
    try {
      ls.addCell('const fromEarlier = 41;');
      assert.deepEqual(await ls.check('const m: number = fromEarlier + 1;'), []);
      assert.match((await ls.check('const s: string = fromEarlier;')).map((d) => d.message).join('\n'), /Type 'number' is not assignable to type 'string'/);
      assert.equal(ls.checker?.fromSnapshot, true);
    } finally {
      await ls.close();
      rmSync(notebook, { recursive: true, force: true });
    }
  });

  it('is not used once a file it was built from has changed', () => {
    const copy = mkdtempSync(join(tmpdir(), 'loom-snapshot-stale-'));
    try {
      const input = join(copy, 'input.js');
      writeFileSync(input, '1');
      // The same manifest, with one more input file of the test's own.
      const manifestName = readdirSync(dir).find((name) => name.endsWith('.json'))!;
      const manifest = JSON.parse(readFileSync(join(dir, manifestName), 'utf8')) as { files: [string, number, number][] };
      writeFileSync(join(dir, manifestName), JSON.stringify({ ...manifest, files: [...manifest.files, [input, 1, 0]] }));
      assert.equal(usableSnapshot(dir), undefined, 'the mtime differs');
      writeFileSync(join(dir, manifestName), JSON.stringify(manifest));
      assert.equal(usableSnapshot(dir), blob, 'the manifest as built');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('ignores Ctrl+C, which reaches the whole process group but is the executor\'s', async () => {
    const ls = new LanguageService({ cwd: ROOT, snapshotDir: dir });
    try {
      await ls.isComplete('1');
      const pid = ls.checker!.pid!;
      process.kill(pid, 'SIGINT');
      assert.deepEqual(await ls.check('const k = 1;'), []);
      assert.equal(ls.checker?.pid, pid, 'the same process answered');
    } finally {
      await ls.close();
    }
  });

  it('ends when the process that started it is killed (a checker of its own, not the shared one)', async () => {
    const script = `const { LanguageService } = require(${JSON.stringify(MODULE)});
      const ls = new LanguageService({ snapshotDir: ${JSON.stringify(dir)}, shared: false });
      ls.isComplete('1').then(() => console.log(ls.checker.pid));
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(owner.stdout!, 'data')) as [Buffer];
      const pid = Number(line.toString().trim());
      assert.ok(running(pid));
      const ended = once(owner.stdout!, 'end');
      owner.stdout!.resume();
      owner.kill('SIGKILL');
      // The checker shares the owner's stdout: the pipe ends when the last of them is gone.
      await ended;
      assert.equal(running(pid), false, 'the checker ended with its owner');
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('falls back to the ordinary start when Node cannot load the snapshot, losing no request', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'loom-snapshot-broken-'));
    try {
      const built = await buildSnapshot(broken);
      assert.ok(built);
      writeFileSync(built, 'not a snapshot');
      const ls = new LanguageService({ cwd: ROOT, snapshotDir: broken });
      try {
        ls.warmUp();
        assert.match((await ls.check('const n: number = "text";')).map((d) => d.message).join('\n'), /Type 'string' is not assignable to type 'number'/);
        assert.equal(ls.checker?.fromSnapshot, false);
      } finally {
        await ls.close();
      }
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
