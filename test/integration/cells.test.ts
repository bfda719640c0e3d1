/**
 * What a cell can do, end to end: a real kernel over ZeroMQ, started in a
 * notebook folder of our own with packages in its node_modules (one CommonJS
 * without types, one ESM-only with "exports", "type": "module" and types) and
 * TypeScript files next to it. Every cell is type-checked first, as in a notebook.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { KernelClient, type Execution, type Message } from '../../kernel/client/client.js';
import { ofType, streamText } from '../helpers/outputs.js';

const FIXTURES: Record<string, string> = {
  'node_modules/cjs-fixture/package.json': JSON.stringify({ name: 'cjs-fixture', version: '1.0.0', main: 'index.js' }),
  'node_modules/cjs-fixture/index.js': "exports.add = (a, b) => a + b;\nexports.kind = 'cjs';\n",
  'node_modules/esm-fixture/package.json': JSON.stringify({
    name: 'esm-fixture', version: '1.0.0', type: 'module',
    exports: { '.': { types: './index.d.ts', default: './index.js' } },
  }),
  'node_modules/esm-fixture/index.js': "export const kind = 'esm';\nexport default function greet(name) { return `hello ${name}`; }\n",
  'node_modules/esm-fixture/index.d.ts': "export declare const kind: 'esm';\nexport default function greet(name: string): string;\n",
  // No package.json: Node alone would take these .ts files for CommonJS.
  'lib/util.ts': [
    "import { twice } from './helper';",
    'export interface Pair { a: number; b: number }',
    'export function sum(pair: Pair): number { return twice(pair.a) + pair.b; }',
    'export enum Level { Low = 1, High = 10 }',
    '',
  ].join('\n'),
  'lib/helper.ts': 'export const twice = (n: number): number => 2 * n;\n',
  'lib/index.ts': "export { twice as twiceAgain } from './helper.ts';\nexport const fromIndex: boolean = true;\n",
  'lib/shapes.mts': 'export const sides: Record<string, number> = { triangle: 3 };\n',
  'lib/legacy.cts': "const legacy: { name: string } = { name: 'legacy' };\nexport = legacy;\n",
  'lib/explode.ts': [
    'export const harmless = 1;',
    '',
    'export function explode(reason: string): never {',
    '  throw new RangeError(reason);',
    '}',
    '',
  ].join('\n'),
};

/** The text/plain of the cell's result, failing with the cell's error when it has none. */
function result({ reply, iopub }: Execution): string {
  assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}\n${(reply.content.traceback ?? []).join('\n')}`);
  const [shown] = ofType(iopub, 'execute_result');
  assert.ok(shown, 'the cell has a result');
  return shown.content.data['text/plain'] as string;
}

function assertOk({ reply }: Execution): void {
  assert.equal(reply.content.status, 'ok', `${reply.content.ename}: ${reply.content.evalue}\n${(reply.content.traceback ?? []).join('\n')}`);
}

/** Code points, as Jupyter counts cursor positions. */
function length(code: string): number {
  return [...code].length;
}

describe('cells', () => {
  let kernel: KernelClient;
  let notebook: string;

  before(async () => {
    notebook = mkdtempSync(join(tmpdir(), 'loom-cells-'));
    for (const [path, text] of Object.entries(FIXTURES)) {
      mkdirSync(dirname(join(notebook, path)), { recursive: true });
      writeFileSync(join(notebook, path), text);
    }
    kernel = await KernelClient.start({ cwd: notebook });
  });
  after(async () => {
    await kernel.close();
    rmSync(notebook, { recursive: true, force: true });
  });

  const run = (code: string): Promise<Execution> => kernel.execute(code);

  describe('notebook semantics', () => {
    it('declarations_of_every_kind_are_visible_to_later_cells_and_type_check_there', async () => {
      assertOk(await run([
        'const origin = 0;',
        'let step = 2;',
        'function move(from: number): number { return from + step; }',
        'class Point { constructor(readonly x: number) {} }',
        'enum Direction { Up = 1, Down }',
        'interface Named { name: string }',
        'type Id = string | number;',
        'namespace Units { export const metre = 1; }',
      ].join('\n')));
      const later = await run([
        'const p: Point = new Point(move(origin));',
        "const named: Named = { name: 'n' };",
        'const id: Id = 7;',
        '[p.x, Direction.Down, Direction[1], named.name, id, Units.metre]',
      ].join('\n'));
      assert.equal(result(later), "[ 2, 2, 'Up', 'n', 7, 1 ]");
    });

    it('a_let_reassigned_and_a_generic_function_from_earlier_cells_type_check', async () => {
      assertOk(await run('let total = 0;\nfunction firstOf<T>(items: T[]): T | undefined { return items[0]; }'));
      assertOk(await run('total = total + 5;'));
      assert.equal(result(await run("const word = firstOf(['a', 'b']);\nword?.toUpperCase() + String(total)")), "'A5'");
    });

    it('rerunning_a_cell_declares_again_without_error', async () => {
      const cell = 'const again = 1;\nlet againToo = 2;\nclass Again {}\nenum AgainEnum { A }\ninterface AgainShape { a: number }\ntype AgainAlias = number;\nfunction againFn() { return again; }';
      assertOk(await run(cell));
      assertOk(await run(cell));
      assert.equal(result(await run('const shape: AgainShape = { a: againFn() };\nshape.a + againToo')), '3');
    });

    it('a_later_cell_may_redefine_a_name_with_another_type', async () => {
      assertOk(await run('const changing = 1;'));
      assertOk(await run("const changing = 'now text';"));
      assert.equal(result(await run('changing.toUpperCase()')), "'NOW TEXT'");
    });

    it('interfaces_and_namespaces_merge_across_cells', async () => {
      assertOk(await run('interface Config { host: string }\nnamespace Tools { export const one = 1; }'));
      assertOk(await run('interface Config { port: number }\nnamespace Tools { export const two = 2; }'));
      assert.equal(result(await run("const config: Config = { host: 'h', port: 1 };\n[config.port, Tools.one + Tools.two]")), '[ 1, 3 ]');
      // Run again with a member changed: a new version, not a conflicting merge.
      assertOk(await run('interface Config { port: string }'));
      assert.equal(result(await run("const config2: Config = { host: 'h', port: 'p' };\nconfig2.port")), "'p'");
    });

    it('declare_global_in_a_cell_augments_global_types_for_later_cells', async () => {
      assertOk(await run('declare global {\n  interface Array<T> { lastItem?: T }\n  var notebookWide: string;\n}'));
      assert.equal(result(await run("globalThis.notebookWide = 'set';\n[[1].lastItem, notebookWide]")), "[ undefined, 'set' ]");
    });

    it('a_cell_that_fails_part_way_keeps_what_it_declared_before_the_failure', async () => {
      const { reply } = await run("const beforeFailure = 'kept';\nthrow new Error('part way');\nconst afterFailure = 1;");
      assert.equal(reply.content.evalue, 'part way');
      assert.equal(result(await run('beforeFailure')), "'kept'");
      assert.equal(result(await run('typeof afterFailure')), "'undefined'");
    });

    it('for_await_and_await_using_work_at_top_level', async () => {
      const { iopub, reply } = await run([
        'async function* countTo(n: number) { for (let i = 1; i <= n; i++) yield i; }',
        'const seen: number[] = [];',
        'for await (const n of countTo(3)) seen.push(n);',
        'class Resource { async [Symbol.asyncDispose]() { console.log(`disposed after ${seen.join()}`); } }',
        '{',
        '  await using held = new Resource();',
        "  console.log('using');",
        '}',
        'seen.length',
      ].join('\n'));
      assert.equal(reply.content.status, 'ok', reply.content.evalue);
      assert.equal(streamText(iopub), 'using\ndisposed after 1,2,3\n');
      assert.equal(ofType(iopub, 'execute_result')[0].content.data['text/plain'], '3');
      const topLevel = await run("await using top = { async [Symbol.asyncDispose]() { console.log('top disposed'); } };\nconsole.log('body');");
      assert.equal(streamText(topLevel.iopub), 'body\ntop disposed\n');
    });

    it('export_in_a_cell_is_accepted_and_harmless', async () => {
      assert.equal(result(await run('export const exported = 41;\nexport function plusOne(n: number) { return n + 1; }\nexport { exported as alias };\nplusOne(exported)')), '42');
      assert.equal(result(await run('exported')), '41');
      assert.equal(result(await run('const assigned = 7;\nexport = assigned;')), '7');
    });
  });

  describe('imports', () => {
    it('node_builtins_import_statically_and_dynamically', async () => {
      const cell = "import { join } from 'node:path';\nimport * as os from 'node:os';\nconst { createHash } = await import('node:crypto');\n[join('a', 'b'), typeof os.cpus, createHash('sha1').update('').digest('hex').length]";
      assert.equal(result(await run(cell)), "[ 'a/b', 'function', 40 ]");
    });

    it('a_commonjs_package_without_types_imports_statically_dynamically_and_by_require', async () => {
      assert.equal(result(await run("import { add, kind } from 'cjs-fixture';\nimport cjsDefault from 'cjs-fixture';\n[add(1, 2), kind, cjsDefault.kind]")), "[ 3, 'cjs', 'cjs' ]");
      assert.equal(result(await run("const cjsDynamic = await import('cjs-fixture');\ncjsDynamic.add(2, 2)")), '4');
      assert.equal(result(await run("require('cjs-fixture').kind")), "'cjs'");
    });

    it('an_esm_only_package_imports_statically_and_dynamically_with_its_types', async () => {
      assert.equal(result(await run("import greet, { kind as esmKind } from 'esm-fixture';\n`${greet('ada')} ${esmKind}`")), "'hello ada esm'");
      assert.equal(result(await run("const esm = await import('esm-fixture');\nesm.default('bob')")), "'hello bob'");
      const { reply } = await run('greet(42)');
      assert.equal(reply.content.ename, 'TSError');
      assert.match(reply.content.traceback[0], new RegExp(`^cell ${reply.content.execution_count}, line 1, column 7 - error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'`));
    });

    it('relative_typescript_files_import_with_their_types', async () => {
      const cell = [
        "import { sum, Level, type Pair } from './lib/util.ts';",
        "import { sides } from './lib/shapes.mts';",
        "import legacy from './lib/legacy.cts';",
        'const pair: Pair = { a: 1, b: 2 };',
        '[sum(pair), Level.High, sides.triangle, legacy.name]',
      ].join('\n');
      assert.equal(result(await run(cell)), "[ 4, 10, 3, 'legacy' ]");
      // Without an extension, with .js for .ts, or a folder's index.ts, as TypeScript resolves them; dynamic; require().
      assert.equal(result(await run("import { twice } from './lib/helper';\nimport { twice as twiceJs } from './lib/helper.js';\ntwice(2) + twiceJs(3)")), '10');
      assert.equal(result(await run("import { fromIndex, twiceAgain } from './lib';\n[fromIndex, twiceAgain(4)]")), '[ true, 8 ]');
      assert.equal(result(await run("const utilModule = await import('./lib/util.ts');\nutilModule.sum({ a: 5, b: 0 })")), '10');
      assert.equal(result(await run("require('./lib/helper.ts').twice(21)")), '42');
      assert.equal(result(await run("import legacyRequired = require('./lib/legacy.cts');\nlegacyRequired.name")), "'legacy'");
      // The type checker reads the file's types.
      const { reply } = await run("sum({ a: 'x', b: 1 })");
      assert.equal(reply.content.ename, 'TSError');
      assert.match(reply.content.traceback[0], new RegExp(`^cell ${reply.content.execution_count}, line 1, column \\d+ - error TS2322: Type 'string' is not assignable to type 'number'`));
    });

    it('loom_modules_import_by_name_dynamically_too', async () => {
      assert.equal(result(await run("const { Queue: DynamicQueue } = await import('loom/queue');\nconst dq = new DynamicQueue<string>();\ndq.putNowait('x');\ndq.qsize()")), '1');
    });

    it('require_resolve_of_a_loom_module_names_the_file_require_loads', async () => {
      // The notebook lives in a temp folder with no loom in node_modules: both find loom's own files.
      const code = "const file = require.resolve('loom/queue');\n[file.endsWith('/src/queue/index.js'), require(file) === require('loom/queue')].join(' ')";
      assert.equal(result(await run(code)), "'true true'");
    });

    it('an_error_thrown_in_an_imported_typescript_file_points_at_its_line', async () => {
      assertOk(await run("import { explode } from './lib/explode.ts';"));
      const { reply } = await run("explode('from the file')");
      assert.equal(reply.content.ename, 'RangeError');
      assert.equal(reply.content.evalue, 'from the file');
      assert.ok(reply.content.traceback.some((line: string) => /at explode \(.*lib\/explode\.ts:4:\d+\)/.test(line)), reply.content.traceback.join('\n'));
    });

    it('an_unknown_module_is_an_error_naming_it', async () => {
      const checked = await run("import { thing } from 'no-such-package-anywhere';");
      assert.equal(checked.reply.content.ename, 'TSError');
      assert.match(checked.reply.content.evalue, /Cannot find module 'no-such-package-anywhere'/);
      const unchecked = await run("// @ts-nocheck\nimport { thing } from 'no-such-package-anywhere';");
      assert.equal(unchecked.reply.content.status, 'error');
      assert.match(unchecked.reply.content.evalue, /Cannot find package 'no-such-package-anywhere'/);
      const relative = await run("// @ts-nocheck\nawait import('./lib/missing.ts')");
      assert.match(relative.reply.content.evalue, /Cannot find module '.*lib\/missing\.ts'/);
    });
  });

  describe('errors', () => {
    it('a_type_error_names_its_line_and_the_cell_does_not_run', async () => {
      const { reply, iopub } = await run("console.log('ran');\nconst fine = 1;\nconst wrong: string = fine;");
      assert.equal(reply.content.ename, 'TSError');
      assert.match(reply.content.traceback[0], new RegExp(`^cell ${reply.content.execution_count}, line 3, column 7 - error TS2322: Type 'number' is not assignable to type 'string'`));
      assert.equal(reply.content.traceback[1], '  const wrong: string = fine;');
      assert.equal(reply.content.traceback[2], '        ^');
      assert.equal(streamText(iopub), '');
      assert.equal(ofType(iopub, 'error').length, 1);
    });

    it('a_syntax_error_reports_its_line', async () => {
      const { reply } = await run('const good = 1;\nconst = 2;');
      assert.equal(reply.content.ename, 'SyntaxError');
      assert.equal(reply.content.evalue, 'Variable declaration expected.');
      const at = reply.content.traceback.indexOf(`    at cell ${reply.content.execution_count}, line 2`);
      assert.ok(at > 0, reply.content.traceback.join('\n'));
      assert.equal(reply.content.traceback[at + 1], '        const = 2;');
      assert.equal(reply.content.traceback[at + 2], '              ^');
    });

    it('an_error_from_a_function_of_an_earlier_cell_shows_both_cells_lines', async () => {
      const defined = await run('function checkPositive(n: number): number {\n  if (n < 0) {\n    throw new TypeError(`negative: ${n}`);\n  }\n  return n;\n}');
      assertOk(defined);
      const { reply } = await run('const input = -1;\ncheckPositive(input);');
      assert.equal(reply.content.ename, 'TypeError');
      assert.equal(reply.content.evalue, 'negative: -1');
      assert.deepEqual(reply.content.traceback, [
        'TypeError: negative: -1',
        `    at checkPositive (cell ${defined.reply.content.execution_count}, line 3)`,
        `    at cell ${reply.content.execution_count}, line 2`,
      ]);
    });

    it('the_error_name_is_the_class_name', async () => {
      const { reply } = await run("class QuotaExceeded extends Error {}\nthrow new QuotaExceeded('over');");
      assert.equal(reply.content.ename, 'QuotaExceeded');
      assert.equal(reply.content.evalue, 'over');
    });

    it('throwing_a_non_error_is_reported', async () => {
      const { reply, iopub } = await run('throw 42');
      assert.equal(reply.content.status, 'error');
      assert.deepEqual([reply.content.ename, reply.content.evalue], ['Thrown', '42']);
      assert.deepEqual(ofType(iopub, 'error')[0].content.traceback, ['Thrown: 42']);
    });

    it('late_errors_from_timers_land_in_the_cell_that_scheduled_them_and_the_executor_lives', async () => {
      const scheduling = await run([
        'const survivor = 1;',
        'const lateFired = new Promise<void>((resolve) => setTimeout(() => {',
        "  Promise.reject(new RangeError('rejected later'));",
        '  resolve();',
        '}, 100));',
        "setTimeout(() => { throw new Error('thrown later'); }, 100);",
      ].join('\n'));
      assertOk(scheduling);
      const late: Message[] = [];
      let lateErrors!: () => void;
      const bothArrived = new Promise<void>((resolve) => (lateErrors = resolve));
      kernel.listen(scheduling.reply.parent_header.msg_id!, (message) => {
        if (message.header.msg_type !== 'error') return;
        late.push(message);
        if (late.length === 2) lateErrors();
      });
      // The second cell is running when the first cell's timers fire.
      const second = await run("await lateFired;\nawait new Promise((resolve) => setImmediate(resolve));\n'second done'");
      assert.equal(result(second), "'second done'");
      assert.deepEqual(ofType(second.iopub, 'error'), []);
      await bothArrived;
      const errors = late.map((m) => [m.content.ename, m.content.evalue]).sort();
      assert.deepEqual(errors, [['Error', 'thrown later'], ['RangeError', 'rejected later']]);
      for (const message of late) assert.match(message.content.traceback.join('\n'), /cell \d+, line [36]/);
      assert.equal(result(await run('survivor')), '1');
    });
  });

  describe('completion, inspection, is_complete', () => {
    const complete = async (code: string, cursorPos?: number): Promise<Message> =>
      kernel.request('shell', 'complete_request', { code, cursor_pos: cursorPos ?? length(code) });

    it('completes_members_with_positions_and_types', async () => {
      const { content } = await complete('Math.fl');
      assert.equal(content.status, 'ok');
      assert.ok(content.matches.includes('floor'), JSON.stringify(content.matches));
      assert.deepEqual([content.cursor_start, content.cursor_end], [5, 7]);
      const types = content.metadata._jupyter_types_experimental;
      assert.equal(types.length, content.matches.length);
      const floor = types[content.matches.indexOf('floor')];
      assert.deepEqual([floor.start, floor.end, floor.text, floor.type], [5, 7, 'floor', 'function']);
    });

    it('completes_earlier_declarations_imports_and_string_literal_unions', async () => {
      assertOk(await run("const completionTarget = 1;\nimport * as nodePath from 'node:path';\nimport * as utilFile from './lib/util.ts';\ntype Mode = 'alpha' | 'beta';\nfunction setMode(mode: Mode): Mode { return mode; }"));
      assert.deepEqual((await complete('completionTa')).content.matches, ['completionTarget']);
      assert.deepEqual((await complete('nodePath.jo')).content.matches, ['join']);
      assert.deepEqual((await complete('utilFile.su')).content.matches, ['sum']);
      const union = await complete("setMode('");
      assert.deepEqual(union.content.matches, ['alpha', 'beta']);
      assert.equal(union.content.cursor_start, length("setMode('"));
    });

    it('counts_cursor_positions_in_code_points_after_an_emoji', async () => {
      const code = "const face = '😀'; Math.fl";
      assert.equal(code.length, length(code) + 1);
      const { content } = await complete(code);
      assert.ok(content.matches.includes('floor'));
      assert.deepEqual([content.cursor_start, content.cursor_end], [length(code) - 2, length(code)]);
    });

    it('inspects_math_max_at_both_detail_levels', async () => {
      const brief = await kernel.request('shell', 'inspect_request', { code: 'Math.max', cursor_pos: 8, detail_level: 0 });
      assert.equal(brief.content.status, 'ok');
      assert.equal(brief.content.found, true);
      assert.match(brief.content.data['text/plain'], /max\(\.\.\.values: number\[\]\): number/);
      assert.match(brief.content.data['text/plain'], /Returns the larger of a set of supplied numeric expressions/);
      assert.match(brief.content.data['text/markdown'], /^```ts\n.*max\(\.\.\.values: number\[\]\): number\n```/);
      assert.doesNotMatch(brief.content.data['text/plain'], /@param/);
      const full = await kernel.request('shell', 'inspect_request', { code: 'Math.max', cursor_pos: 8, detail_level: 1 });
      assert.match(full.content.data['text/plain'], /@param values/);
      assert.match(full.content.data['text/markdown'], /\*@param\* `values`/);
    });

    it('is_complete_tells_complete_incomplete_and_invalid', async () => {
      const status = async (code: string) => (await kernel.request('shell', 'is_complete_request', { code })).content;
      assert.deepEqual(await status('const x = 1'), { status: 'complete' });
      assert.deepEqual(await status('function f() {'), { status: 'incomplete', indent: '    ' });
      assert.deepEqual(await status('let = = 1'), { status: 'invalid' });
    });
  });

  describe('output', () => {
    it('the_last_value_is_text_plain_as_util_inspect_shows_it_without_colours', async () => {
      const text = result(await run("({ n: 1, list: [1, 2, 3], nested: { deep: { deeper: { deepest: 1 } } }, map: new Map([['k', 'v']]), s: 'x' })"));
      const expected = inspect({ n: 1, list: [1, 2, 3], nested: { deep: { deeper: { deepest: 1 } } }, map: new Map([['k', 'v']]), s: 'x' }, { colors: false });
      assert.equal(text, expected);
      assert.doesNotMatch(text, /\x1b\[/);
    });

    it('a_value_with_a_jupyter_display_method_shows_its_bundle_in_a_type_checked_cell', async () => {
      const cell = [
        'class Badge {',
        '  constructor(readonly label: string) {}',
        "  [Symbol.for('Jupyter.display')]() {",
        "    return { 'text/html': `<b>${this.label}</b>`, 'text/markdown': `**${this.label}**` };",
        '  }',
        '}',
        "display(new Badge('shown'));",
        "new Badge('result')",
      ].join('\n');
      const { reply, iopub } = await run(cell);
      assert.equal(reply.content.status, 'ok', reply.content.evalue);
      const [shown] = ofType(iopub, 'display_data');
      assert.equal(shown.content.data['text/html'], '<b>shown</b>');
      const [value] = ofType(iopub, 'execute_result');
      assert.equal(value.content.data['text/html'], '<b>result</b>');
      assert.equal(value.content.data['text/markdown'], '**result**');
      assert.equal(value.content.data['text/plain'], "Badge { label: 'result' }");
    });
  });
});
