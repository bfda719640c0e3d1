/**
 * The user's shared checker (kernel/checker/shared-server.ts and
 * shared-checker.ts): the kernels of one user share one checker process, each
 * with its own notebook; it belongs to none of them and ends once the last one
 * is gone; a checker killed, crashed or stuck is replaced on the next request,
 * fed each notebook's cells again; two kernels starting one at once end up
 * with one. Each test has a folder of its own (so its own checker), started
 * without a snapshot: the snapshot's own tests are in checker-snapshot.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LanguageService } from '../../kernel/checker/client.js';
import { descendantsOf, isAlive, waitForExit } from '../helpers/processes.js';

const ROOT = resolve(__dirname, '..', '..', '..');
// The checkers these tests start leave soon after their last kernel: inherited from this process's environment.
process.env.LOOM_CHECKER_IDLE_MS = '300';

/** Waits for a condition that the event loop makes true, checking at every turn (10 s at most). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const messages = (diagnostics: { message: string }[]): string => diagnostics.map((d) => d.message).join('\n');

describe('the shared checker', () => {
  let dir: string;
  const services: LanguageService[] = [];
  const service = (cwd = ROOT): LanguageService => {
    const ls = new LanguageService({ cwd, snapshotDir: dir, buildSnapshot: false });
    services.push(ls);
    return ls;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loom-shared-checker-'));
  });
  afterEach(async () => {
    const pids = services.map((ls) => ls.checker?.pid).filter((pid) => pid !== undefined);
    await Promise.all(services.splice(0).map((ls) => ls.close()));
    await waitForExit(pids, 10_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves two notebooks from one process, each seeing only its own cells', async () => {
    const first = service();
    const second = service(mkdtempSync(join(dir, 'notebook-')));
    first.addCell('const onlyInFirst = 1;');
    second.addCell('const onlyInSecond = "two";');
    assert.deepEqual(await first.check('const n: number = onlyInFirst;'), []);
    assert.match(messages(await second.check('const n: number = onlyInFirst;')), /Cannot find name 'onlyInFirst'/);
    assert.match(messages(await second.check('const n: number = onlyInSecond;')), /Type 'string' is not assignable to type 'number'/);
    assert.equal(first.checker?.shared, true);
    assert.equal(first.checker?.pid, second.checker?.pid, 'one checker process');
  });

  it('keeps two notebooks in one folder apart: their cell files have the same names and versions', async () => {
    const [first, second] = [service(), service()];
    first.addCell('const mine = 1;');
    second.addCell('const mine = "two";');
    // Each error needs both the notebook's own cell and its own text being checked: any mix gives another answer.
    for (let round = 0; round < 2; round++) {
      assert.match(messages(await first.check('const s: string = mine;')), /^Type 'number' is not assignable to type 'string'\.$/, 'the first notebook sees its own cell');
      assert.match(messages(await second.check('const n: number = mine;')), /^Type 'string' is not assignable to type 'number'\.$/, 'the second sees its own');
    }
    first.addCell('const onlyFirst = true;');
    assert.match(messages(await second.check('onlyFirst')), /Cannot find name 'onlyFirst'/);
    assert.equal(first.checker?.pid, second.checker?.pid);
  });

  it('belongs to no kernel, outlives the one that started it, and leaves after the last one', async () => {
    const first = service();
    await first.isComplete('1');
    const pid = first.checker!.pid!;
    assert.ok(!descendantsOf(process.pid).includes(pid), 'not a child of the process that started it');
    const second = service();
    second.addCell('const stays = 2;');
    await first.close();
    assert.deepEqual(await second.check('const k: number = stays;'), [], 'the other kernel goes on');
    assert.equal(second.checker?.pid, pid);
    await second.close();
    await waitForExit([pid], 10_000);
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.sock')), [], 'its socket is gone with it');
  });

  it('is replaced after a SIGKILL, each notebook fed its cells again', async () => {
    const first = service();
    const second = service();
    first.addCell('const keptOne = 1;');
    second.addCell('const keptTwo = 2;');
    await Promise.all([first.isComplete('1'), second.isComplete('1')]);
    const pid = first.checker!.pid!;
    process.kill(pid, 'SIGKILL');
    await waitForExit([pid]);
    // Each kernel has seen its connection close (a request sent before that would fail, as one in flight does).
    await until(() => first.checker === undefined && second.checker === undefined);
    // The dead checker's socket file is still there: the new one must take the path over.
    assert.ok(readdirSync(dir).some((name) => name.endsWith('.sock')));
    assert.deepEqual(await first.check('const a: number = keptOne;'), []);
    assert.deepEqual(await second.check('const b: number = keptTwo;'), []);
    assert.notEqual(first.checker?.pid, pid);
    assert.equal(first.checker?.pid, second.checker?.pid, 'both on the new one');
  });

  it('fails only the requests in flight when it crashes', async () => {
    const ls = service();
    ls.addCell('const survives = 1;');
    await ls.isComplete('1');
    const pid = ls.checker!.pid!;
    ls.crashWorkerForTesting();
    await assert.rejects(ls.complete('Math.', 5), /crashed.*restarted on the next request/);
    assert.deepEqual((await ls.complete('survi', 5)).matches, ['survives']);
    assert.ok(!isAlive(pid));
  });

  it('is stopped when it does not answer in time, and replaced', async () => {
    const slow = new LanguageService({ cwd: ROOT, snapshotDir: dir, buildSnapshot: false, timeoutMs: 1 });
    services.push(slow);
    // The first request starts the checker and loads the compiler: never within 1 ms.
    await assert.rejects(slow.complete('Math.', 5), /did not answer within 1 ms and was stopped/);
    const patient = service();
    assert.deepEqual(await patient.check('const fine = 1;'), []);
  });

  it('is one process when two kernels start at once with none running', async () => {
    const [first, second] = [service(), service()];
    await Promise.all([first.check('1'), second.check('2')]);
    assert.equal(first.checker?.pid, second.checker?.pid);
  });

  it('waits for the kernel that started it, even when told to leave at once when idle', async () => {
    process.env.LOOM_CHECKER_IDLE_MS = '0';
    try {
      const ls = service();
      assert.deepEqual(await ls.check('const k = 1;'), []);
      assert.equal(ls.checker?.shared, true, 'served by the checker it started, not one of its own');
    } finally {
      process.env.LOOM_CHECKER_IDLE_MS = '300';
    }
  });

  it('is not used when asked not to, or without a folder of the user\'s', async () => {
    const own = new LanguageService({ cwd: ROOT, snapshotDir: dir, buildSnapshot: false, shared: false });
    const none = new LanguageService({ cwd: ROOT, snapshotDir: null });
    services.push(own, none);
    await Promise.all([own.isComplete('1'), none.isComplete('1')]);
    assert.equal(own.checker?.shared, false);
    assert.equal(none.checker?.shared, false);
    assert.ok(!existsSync(join(dir, readdirSync(dir).find((name) => name.endsWith('.sock')) ?? 'none')));
  });
});
