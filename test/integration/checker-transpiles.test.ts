/**
 * The type checker transpiles each cell it checks, and the executor runs what
 * it was sent (kernel/transpile/transpiled.ts, executor/runtime/cell-scripts.ts):
 * an executor whose cells all came through the checker never loads TypeScript,
 * yet its results, errors with cell lines, imports and declarations shipped to a
 * thread are as before; a silent cell (not checked) is transpiled by the
 * executor itself, which loads the compiler then.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { KernelClient } from '../../kernel/client/client.js';
import { ofType, streamText } from '../helpers/outputs.js';

/** Whether the executor has loaded TypeScript's compiler (require's cache is the process's). */
const COMPILER_LOADED = "Object.keys(require.cache).some((file) => file.endsWith('typescript.js'))";

describe('cells transpiled by the checker', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start({ cwd: tmpdir() });
  });
  after(() => kernel.close());

  const result = async (code: string): Promise<string> => {
    const { reply, iopub } = await kernel.execute(code);
    assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}`);
    return ofType(iopub, 'execute_result')[0]?.content.data['text/plain'];
  };

  it('run in an executor that never loads the compiler', async () => {
    assert.equal(await result("import { join } from 'node:path';\nenum Color { Red = 1 }\nconst where: string = join('a', 'b');\nwhere"), "'a/b'");
    assert.equal(await result('Color.Red + 1'), '2');
    const { reply } = await kernel.execute('const n: number = 1;\nthrow new RangeError(`bad ${n}`);');
    assert.equal(reply.content.ename, 'RangeError');
    assert.ok(reply.content.traceback.includes(`    at cell ${reply.content.execution_count}, line 2`), 'the traceback names the cell line (the source map came along)');
    const { iopub } = await kernel.execute("import { Thread } from 'loom/threading';\nconst t = new Thread({ target: () => console.log('thread sees', where) });\nt.start(); await t.join();");
    assert.equal(streamText(iopub), 'thread sees a/b\n', 'a thread gets the notebook declarations it uses');
    assert.equal(await result(COMPILER_LOADED), 'false');
  });

  it('map a frame of a cell that ran long ago without transpiling it again', async () => {
    const { reply: defined } = await kernel.execute('function failsLater(): never {\n  throw new Error("late");\n}');
    const definedIn = defined.content.execution_count;
    // More cells than the executor keeps transpiled (transpile/transpiled.ts: 256).
    for (let i = 0; i < 260; i++) await kernel.execute(`const filler${i} = ${i};`);
    const { reply } = await kernel.execute('failsLater()');
    assert.ok(reply.content.traceback.some((line: string) => line.includes(`failsLater (cell ${definedIn}, line 2)`)), reply.content.traceback.join('\n'));
    assert.equal(await result(COMPILER_LOADED), 'false');
  });

  it('leave a silent cell to the executor, which loads the compiler for it', async () => {
    const { reply } = await kernel.execute('const quiet: number = 6 * 7;', { silent: true });
    assert.equal(reply.content.status, 'ok');
    assert.equal(await result('quiet'), '42');
    assert.equal(await result(COMPILER_LOADED), 'true');
  });
});
