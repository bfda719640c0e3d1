/**
 * display(), its helpers and handles, clearOutput, loom/display's tables and
 * charts and the progress bars of nested maps, called inside the threads,
 * pool tasks and processes that cells start, through a real kernel: each
 * lands in the cell that started (or submitted) the work, in order with that
 * worker's console output, also while the cell busy-loops and after it ended.
 *
 * IPython's display() works the same from any thread of the kernel process
 * (it publishes on the kernel's iopub with the parent of the cell that runs);
 * in a multiprocessing child it does nothing useful (ipykernel does not
 * route a child's rich output). loom sends it to the cell that started the
 * work, as it does with console output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KernelClient, type Message } from '../../kernel/client/client.js';
import { ofType } from '../helpers/outputs.js';
import { closeWithChildren } from '../helpers/notebook-kernel.js';

/** A cell's outputs in order, one short line each: `out:text`, `html:<b>x</b>`, `show:text`, `update:text`, `clear:wait`. */
function outline(iopub: Message[]): string[] {
  const lines: string[] = [];
  for (const message of iopub) {
    const { content } = message;
    switch (message.header.msg_type) {
      case 'stream':
        lines.push(...String(content.text).split('\n').filter(Boolean).map((line) => `${content.name === 'stderr' ? 'err' : 'out'}:${line}`));
        break;
      case 'display_data':
        lines.push(content.data['text/html'] !== undefined ? `html:${content.data['text/html']}` : `show:${content.data['text/plain']}`);
        break;
      case 'update_display_data':
        lines.push(`update:${content.data['text/plain']}`);
        break;
      case 'clear_output':
        lines.push(content.wait ? 'clear:wait' : 'clear');
        break;
    }
  }
  return lines;
}

/** The display_id of each display and update message, in order. */
function displayIds(iopub: Message[]): unknown[] {
  return iopub.filter((m) => m.header.msg_type.endsWith('display_data')).map((m) => m.content.transient?.display_id);
}

describe('display inside threads, pool tasks and processes started by cells', () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
    const imports = await kernel.execute(
      [
        "import { Thread } from 'loom/threading';",
        "import { Process, Pool, ThreadPool, Queue } from 'loom/multiprocessing';",
        "import { ThreadPoolExecutor, ProcessPoolExecutor } from 'loom/futures';",
        "import { table, barChart } from 'loom/display';",
      ].join('\n'),
    );
    assert.equal(imports.reply.content.status, 'ok', imports.reply.content.evalue);
  });
  // Every process the cells started ends with the kernel.
  after(() => closeWithChildren(kernel));

  /** Runs a cell that must succeed; its iopub messages. */
  async function ok(code: string, options: Parameters<KernelClient['execute']>[1] = {}): Promise<Message[]> {
    const { reply, iopub } = await kernel.execute(code, options);
    assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}`);
    for (const message of iopub) assert.equal(message.parent_header.msg_id, reply.parent_header.msg_id);
    return iopub;
  }

  /** What every worker below does: output, a display, a handle made and updated, a clear, more output. */
  const WORK = [
    "console.log('before');",
    "display.html('<b>hi</b>');",
    "const h = display('0%', { displayId: true });",
    "h.update('100%');",
    'clearOutput({ wait: true });',
    "console.log('after');",
  ].join(' ');
  const EXPECTED = ['out:before', 'html:<b>hi</b>', "show:'0%'", "update:'100%'", 'clear:wait', 'out:after'];

  function assertWork(iopub: Message[], times = 1): void {
    assert.deepEqual(outline(iopub), Array<string[]>(times).fill(EXPECTED).flat());
    const ids = displayIds(iopub).filter((id) => id !== undefined);
    assert.equal(ids.length, 2 * times);
    for (let i = 0; i < ids.length; i += 2) assert.equal(ids[i], ids[i + 1], 'the update names the handle the worker made');
  }

  it('thread_displays_in_its_cell_in_order_with_its_output', async () => {
    assertWork(await ok(`const t = new Thread({ target: () => { ${WORK} } });\nt.start();\nawait t.join();`));
  });

  // No progress bar: a map that takes over a second (on a busy machine) would show one among the outputs compared.
  it('thread_pool_and_thread_executor_tasks_display_in_their_cell', async () => {
    assertWork(await ok(`using tp = new ThreadPool(1);\nawait tp.map((x: number) => { ${WORK} return x; }, [1], { progress: false });`));
    assertWork(await ok(`using tpe = new ThreadPoolExecutor({ maxWorkers: 1 });\nawait tpe.submit(() => { ${WORK} }).result();`));
  });

  it('process_pool_and_process_executor_tasks_display_in_their_cell', async () => {
    assertWork(await ok(`using pp = new Pool(1);\nawait pp.map((x: number) => { ${WORK} return x; }, [1, 2], { chunksize: 1, progress: false });`), 2);
    assertWork(await ok(`using ppe = new ProcessPoolExecutor({ maxWorkers: 1 });\nawait ppe.submit(() => { ${WORK} }).result();`));
  });

  it('process_displays_in_its_cell_in_order_with_its_output', async () => {
    assertWork(await ok(`const p = new Process({ target: () => { ${WORK} } });\np.start();\nawait p.join();`));
  });

  it('every_display_helper_and_a_table_work_in_a_process', async () => {
    const iopub = await ok(
      [
        'const shown = new Process({ target: () => {',
        "  display(table([{ workers: 1, seconds: 3.5 }, { workers: 2, seconds: 1.8 }]));",
        "  display.markdown('*md*'); display.svg('<svg/>'); display.png(new Uint8Array([1, 2, 3]), { width: 10 });",
        "  display.jpeg('data:image/jpeg;base64,AAAA'); display.json({ a: [1] }); display.latex('$x$'); display.text('plain');",
        "  display({ 'text/html': '<i>raw</i>' }, { raw: true });",
        '} });',
        'shown.start();',
        'await shown.join();',
      ].join('\n'),
    );
    const shown = ofType(iopub, 'display_data');
    assert.equal(shown.length, 9);
    assert.match(String(shown[0].content.data['text/html']), /<table[^>]*>.*<th[^>]*>workers<\/th>.*3\.5/s);
    assert.equal(shown[0].content.data['text/plain'], 'workers  seconds\n-------  -------\n      1    3.500\n      2    1.800');
    assert.deepEqual(shown.slice(1).map((m) => Object.keys(m.content.data).find((mime) => mime !== 'text/plain') ?? 'text/plain'), [
      'text/markdown', 'image/svg+xml', 'image/png', 'image/jpeg', 'application/json', 'text/latex', 'text/plain', 'text/html',
    ]);
    assert.equal(shown[3].content.data['image/png'], 'AQID');
    assert.deepEqual(shown[3].content.metadata, { 'image/png': { width: 10 } });
    assert.equal(shown[4].content.data['image/jpeg'], 'AAAA');
    assert.deepEqual(shown[5].content.data['application/json'], { a: [1] });
  });

  it('a_chart_made_in_a_thread_and_in_a_process_shows_as_svg', async () => {
    const chart = "display(await barChart([{ k: 'a', v: 1 }, { k: 'b', v: 2 }], { x: 'k', y: 'v' }));";
    const iopub = await ok(
      [
        `const drawer = new Thread({ target: async () => { ${chart} } });`,
        'drawer.start(); await drawer.join();',
        `const painter = new Process({ target: async () => { ${chart} } });`,
        'painter.start(); await painter.join();',
      ].join('\n'),
    );
    const shown = ofType(iopub, 'display_data');
    assert.equal(shown.length, 2);
    for (const message of shown) {
      assert.match(String(message.content.data['image/svg+xml']), /^<svg /);
      assert.equal(message.content.data['text/plain'], 'bar chart: v by k (2 bars)');
    }
  });

  it('a_handle_made_in_the_cell_is_updated_in_every_kind_of_worker', async () => {
    // The handle is captured by the worker's code: it travels as a copy whose update() calls the worker's display.
    const made = await ok("const cellHandle = display('made in the cell', { displayId: true });");
    const [id] = displayIds(made);
    assert.equal(typeof id, 'string');
    const iopub = await ok(
      [
        "const updater = new Thread({ target: () => cellHandle.update('thread') });",
        'updater.start(); await updater.join();',
        "{ using tp = new ThreadPool(1); await tp.apply(() => cellHandle.update('thread pool')); }",
        "{ using pp = new Pool(1); await pp.apply(() => cellHandle.update('process pool')); }",
        "const remote = new Process({ target: () => cellHandle.update('process') });",
        'remote.start(); await remote.join();',
        "display('by id from a process');",
        "const byId = new Process({ target: (id: string) => { display('by id', { displayId: id, update: true }); }, args: [cellHandle.displayId] });",
        'byId.start(); await byId.join();',
      ].join('\n'),
    );
    assert.deepEqual(outline(iopub), ["update:'thread'", "update:'thread pool'", "update:'process pool'", "update:'process'", "show:'by id from a process'", "update:'by id'"]);
    assert.deepEqual(displayIds(iopub), [id, id, id, id, undefined, id]);
  });

  it('an_update_without_a_display_id_is_refused_in_a_worker_as_in_the_cell', async () => {
    // IPython: display(obj, update=True) raises TypeError('display_id required for update_display').
    const { reply } = await kernel.execute("display('x', { update: true })");
    assert.equal(reply.content.ename, 'ArgumentTypeError');
    assert.match(String(reply.content.evalue), /^displayId required for update/);
    const iopub = await ok(
      [
        "const refused = new Process({ target: () => { display('x', { update: true }); } });",
        'refused.start();',
        "await refused.join().then(() => 'joined', (error: Error) => `${error.name}: ${error.message}`)",
      ].join('\n'),
    );
    assert.match(String(ofType(iopub, 'execute_result')[0].content.data['text/plain']), /^'ArgumentTypeError: displayId required for update/);
  });

  it('a_handle_made_in_a_thread_is_updated_in_a_process_it_starts', async () => {
    const iopub = await ok(
      [
        'const maker = new Thread({ target: async () => {',
        "  const h = display('from the thread', { displayId: true });",
        "  const child = new Process({ target: (handle: typeof h) => handle.update('from its process'), args: [h] });",
        '  child.start();',
        '  await child.join();',
        '} });',
        'maker.start(); await maker.join();',
      ].join('\n'),
    );
    assert.deepEqual(outline(iopub), ["show:'from the thread'", "update:'from its process'"]);
    const [shown, updated] = displayIds(iopub);
    assert.equal(typeof shown, 'string');
    assert.equal(updated, shown);
  });

  it('threads_and_children_of_a_process_display_in_the_cell', async () => {
    const iopub = await ok(
      [
        'const parent = new Process({ target: async () => {',
        "  const inner = new Thread({ target: () => display.text('thread in a process') });",
        '  inner.start(); await inner.join();',
        "  { using tp = new ThreadPool(1); await tp.apply(() => display.text('thread pool in a process')); }",
        "  const grandchild = new Process({ target: () => { console.log('grandchild prints'); display.text('grandchild'); } });",
        '  grandchild.start(); await grandchild.join();',
        '} });',
        'parent.start(); await parent.join();',
      ].join('\n'),
    );
    assert.deepEqual(outline(iopub), ['show:thread in a process', 'show:thread pool in a process', 'out:grandchild prints', 'show:grandchild']);
  });

  /** Runs `code` (which starts work that displays `shown` and then waits forever), spinning the cell until the display arrives. */
  async function displayArrivesWhileTheCellSpins(start: string, shown: string, stop: string): Promise<void> {
    const { reply, iopub } = await kernel.execute(`${start}\nwhile (true) {}`, {
      onOutput: (m) => m.header.msg_type === 'display_data' && m.content.data['text/plain'] === shown && void kernel.interrupt(),
    });
    // The cell can only end by the interrupt, sent once the display had arrived while the cell spun.
    assert.equal(reply.content.ename, 'KeyboardInterrupt', reply.content.evalue);
    assert.deepEqual(outline(iopub).filter((line) => line.startsWith('show:')), [`show:${shown}`]);
    await ok(stop);
  }

  const WAIT_FOREVER = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);';

  it('display_from_a_thread_and_a_process_arrives_while_the_cell_busy_loops', async () => {
    await displayArrivesWhileTheCellSpins(
      `const spinThread = new Thread({ target: () => { display.text('live from a thread'); ${WAIT_FOREVER} }, daemon: true });\nspinThread.start();`,
      'live from a thread',
      '1',
    );
    await displayArrivesWhileTheCellSpins(
      `const spinProcess = new Process({ target: () => { display.text('live from a process'); ${WAIT_FOREVER} } });\nspinProcess.start();`,
      'live from a process',
      'spinProcess.terminate(); await spinProcess.join();',
    );
  });

  /** Resolves with the display messages cell `msgId` gets from now on, once `count` have come. */
  function displaysTo(msgId: string, count: number): { arrived: Promise<Message[]>; stop: () => void } {
    const got: Message[] = [];
    let stop = (): void => {};
    const arrived = new Promise<Message[]>((resolve) => {
      stop = kernel.listen(msgId, (m) => {
        if (m.header.msg_type.endsWith('display_data') || m.header.msg_type === 'clear_output') got.push(m);
        if (got.length === count) resolve(got);
      });
    });
    return { arrived, stop };
  }

  it('display_after_the_cell_ended_stays_in_the_cell_that_started_the_work', async () => {
    const first = await kernel.execute(
      [
        'const goLate = new Queue<string>();',
        "const lateThread = new Thread({ target: (go: Queue<string>) => { go.getSync(); display.text('late thread'); }, args: [goLate] });",
        "const lateProcess = new Process({ target: (go: Queue<string>) => { go.getSync(); clearOutput(); display.text('late process'); }, args: [goLate] });",
        'lateThread.start(); lateProcess.start();',
      ].join('\n'),
    );
    assert.equal(first.reply.content.status, 'ok', first.reply.content.evalue);
    const late = displaysTo(first.reply.parent_header.msg_id!, 3);
    try {
      const second = await ok("goLate.putSync('go'); goLate.putSync('go'); await lateThread.join(); await lateProcess.join(); 1");
      assert.deepEqual(outline(second), []);
      const arrived = await late.arrived;
      assert.deepEqual(outline(arrived).sort(), ['clear', 'show:late process', 'show:late thread']);
    } finally {
      late.stop();
    }
  });

  /** A task that waits `ms` (a stand-in for work), self-contained as pool tasks must be. */
  const WAIT_TASK = '(ms: number) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); return ms; }';

  function assertProgress(iopub: Message[], summary: RegExp): void {
    const [bar, ...others] = ofType(iopub, 'display_data');
    assert.equal(others.length, 0, 'one bar');
    const id = bar.content.transient?.display_id;
    assert.equal(typeof id, 'string');
    const updates = ofType(iopub, 'update_display_data');
    assert.ok(updates.every((update) => update.content.transient?.display_id === id), 'every update replaces the same bar');
    assert.match(String(updates.at(-1)?.content.data['text/plain']), summary);
  }

  it('a_map_inside_a_thread_shows_its_progress_in_the_cell', async () => {
    // 12 tasks of 250 ms on 2 workers: 1.5 s, past the 1 s after which a bar shows.
    const iopub = await ok(
      [
        'const mapper = new Thread({ target: async () => {',
        `  using inner = new Pool(2);`,
        `  await inner.map(${WAIT_TASK}, Array(12).fill(250), 1);`,
        '} });',
        'mapper.start(); await mapper.join();',
      ].join('\n'),
    );
    assertProgress(iopub, /^map: 12\/12 tasks in \d+\.\d s on 2 processes$/);
  });

  it('a_map_inside_a_process_shows_its_progress_in_the_cell', async () => {
    const iopub = await ok(
      [
        'const mapperProcess = new Process({ target: async () => {',
        `  using inner = new ThreadPool(2);`,
        `  await inner.map(${WAIT_TASK}, Array(12).fill(250), 1);`,
        '} });',
        'mapperProcess.start(); await mapperProcess.join();',
      ].join('\n'),
    );
    assertProgress(iopub, /^map: 12\/12 tasks in \d+\.\d s on 2 threads$/);
  });
});
