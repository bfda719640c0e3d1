/**
 * transpileCell on its own: each check compiles cells and runs them with
 * vm.runInThisContext in this process, as the executor does. Names are unique
 * to each test because the cells' globals land on this process's globalThis.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { importFromCell } from '../../kernel/executor/runtime/ts-modules.js';
import { transpileCell, type CellCompletion } from '../../kernel/transpile/cell.js';
import { IMPORT_FUNCTION } from '../../kernel/transpile/module-syntax.js';

let scripts = 0;
const global = globalThis as Record<string, unknown>;
// Every import() of a cell calls this global, which the executor defines.
global[IMPORT_FUNCTION] = importFromCell;

/** Runs one cell as the executor would; resolves to what its wrapper resolves to. */
function complete(source: string): Promise<CellCompletion | undefined> {
  const compiled = transpileCell(source);
  assert.deepEqual(compiled.syntaxErrors, [], compiled.code);
  return vm.runInThisContext(compiled.code, {
    filename: `unit-cell-${++scripts}`,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as Promise<CellCompletion | undefined>;
}

/** The cell's result: the value of its last expression. */
async function run(source: string): Promise<unknown> {
  return (await complete(source))?.value;
}

describe('transpileCell', () => {
  it('top_level_declarations_persist_as_globals_and_can_be_declared_again', async () => {
    await run('const tA = 1; let tB = 2; var tC = 3;');
    assert.deepEqual([global.tA, global.tB, global.tC], [1, 2, 3]);
    assert.equal(await run('const tA = 10; let tB = tA + 1; tB'), 11);
    await run('let tB;');
    assert.equal(global.tB, undefined, '`let x;` starts x over');
    await run('var tC;');
    assert.equal(global.tC, 3, '`var x;` keeps x, as redeclaring a var does');
  });

  it('function_declarations_are_hoisted_and_global', async () => {
    assert.equal(await run('tEarly(2);\nfunction tEarly(n: number): number { return n * 21 }'), 42);
    assert.equal(await run('tEarly(1)'), 21);
    assert.deepEqual(await run('async function* tGen() { yield 1; yield 2 }\nconst tSeen: number[] = [];\nfor await (const v of tGen()) tSeen.push(v);\ntSeen'), [1, 2]);
  });

  it('classes_enums_and_namespaces_persist', async () => {
    await run('class TPoint { constructor(readonly x: number) {} static origin = new TPoint(0) }');
    await run('enum TColor { Red, Green = 5 }\nnamespace TGeo { export const unit = 1 }');
    assert.deepEqual(await run('[new TPoint(3).x, TPoint.origin.x, TColor.Green, TColor[0], TGeo.unit]'), [3, 0, 5, 'Red', 1]);
    assert.equal(await run('class TPoint { y = 7 }\nnew TPoint().y'), 7, 'a class can be declared again');
    assert.equal(await run('const enum TConst { A = 4 }\nTConst.A'), 4);
  });

  it('destructuring_declarations_bind_every_name', async () => {
    await run('const { tD1, t: [tD2, , tD3 = 9], ...tRest } = { tD1: 1, t: [2, 0], z: 4 };\nlet [tD4, ...tD5] = [5, 6, 7];');
    assert.deepEqual([global.tD1, global.tD2, global.tD3, global.tRest, global.tD4, global.tD5], [1, 2, 9, { z: 4 }, 5, [6, 7]]);
  });

  it('var_in_top_level_blocks_is_global_and_let_is_not', async () => {
    await run('for (var tI = 0; tI < 3; tI++) { var tInner = tI; let tLocal = 1; }\nif (true) var tLone = 1;\nfor (var tKey in { k: 1 }) {}');
    assert.deepEqual([global.tI, global.tInner, global.tLone, global.tKey, 'tLocal' in global], [3, 2, 1, 'k', false]);
  });

  it('top_level_await_works_and_the_last_expression_is_the_result', async () => {
    assert.equal(await run('const tWaited = await new Promise<number>((r) => setTimeout(() => r(5), 1));\nawait (async () => tWaited * 2)()'), 10);
    assert.deepEqual(await run('await [1, 2]'), [1, 2], '`await [x]` is an await, not a call of `await`');
    const completion = await complete('Promise.resolve(1)');
    assert.ok(completion?.value instanceof Promise, 'a Promise result is shown as a Promise, not awaited');
    assert.equal(await run('1;\nfunction tAfter() {}'), 1, 'a function declaration does not end the cell');
    assert.equal(await run('2;\nconst tAfterConst = 3;'), undefined, 'a declaration at the end means no result');
    assert.equal(await run('// nothing but a comment'), undefined);
    assert.deepEqual(await run('{ tObject: 1 }'), { tObject: 1 }, 'a cell that is an object literal shows it, as the REPL does');
    assert.equal(await run('{ const tBlockLocal = 2; tBlockLocal * 2 }'), undefined, 'a block is still a block');
  });

  it('static_imports_become_dynamic_imports_bound_to_globals', async () => {
    await run("import tPath, { join as tJoin, sep as tSep } from 'node:path';\nimport * as tOs from 'node:os';\nimport 'node:util';");
    assert.equal((global.tJoin as (...parts: string[]) => string)('a', 'b'), `a${global.tSep as string}b`);
    assert.equal(typeof (global.tPath as { resolve: unknown }).resolve, 'function');
    assert.equal(typeof (global.tOs as { cpus: unknown }).cpus, 'function');
    assert.equal(await run("import tFs, * as tFsAll from 'node:fs';\ntFs === tFsAll.default"), true);
  });

  it('every_import_goes_through_the_import_function_with_the_cells_own_import', async () => {
    const seen: unknown[] = [];
    global[IMPORT_FUNCTION] = (specifier: unknown, load: (specifier: unknown) => Promise<unknown>) => {
      seen.push(specifier);
      return load(specifier);
    };
    try {
      const value = await run([
        "import { sep as tSep2 } from 'node:path';",
        "async function tLoad(name: string) { return (await import(`node:${name}`)).EOL; }",
        "const tJson = await import('data:application/json,[1]', { with: { type: 'json' } });",
        "[tSep2, await tLoad('os'), tJson.default]",
      ].join('\n'));
      assert.deepEqual(value, [global.tSep2, (await import('node:os')).EOL, [1]]);
      assert.deepEqual(seen, ['node:path', 'data:application/json,[1]', 'node:os']);
    } finally {
      global[IMPORT_FUNCTION] = importFromCell;
    }
  });

  it('type_only_code_vanishes', async () => {
    const compiled = transpileCell("import type { Nothing } from 'no-such-module';\nimport { type Also } from 'no-such-module-either';\ninterface TI { a: number }\ntype TT = TI | null;\ndeclare const tDeclared: number;\n(1 as number) satisfies number");
    assert.deepEqual(compiled.syntaxErrors, []);
    assert.ok(!compiled.code.includes('no-such-module'), compiled.code);
    assert.equal(await run('const tTyped: Array<number> = [1];\nfunction tId<T>(x: T): T { return x }\ntId<number>(tTyped[0]!)'), 1);
  });

  it('export_keywords_are_dropped', async () => {
    assert.equal(await run('export const tExported = 1;\nexport function tExportedFn() { return 2 }\nexport { tExported as tAlias };\nexport default tExported + tExportedFn();'), 3);
    assert.equal(global.tExported, 1);
  });

  it('runtime_error_positions_map_back_to_cell_lines', async () => {
    const source = 'const tOk = 1;\n\nfunction tThrower(): never {\n  throw new Error("mapped");\n}\ntThrower();';
    const compiled = transpileCell(source);
    const filename = `unit-cell-${++scripts}`;
    const completion = vm.runInThisContext(compiled.code, { filename }) as Promise<unknown>;
    const error = await completion.then(() => assert.fail('should throw'), (e: Error) => e);
    const lines = [...error.stack!.matchAll(new RegExp(`${filename}:(\\d+):(\\d+)`, 'g'))].map((m) => compiled.toCell(Number(m[1]), Number(m[2]))?.line);
    assert.deepEqual(lines.slice(0, 2), [4, 6], error.stack);
    assert.equal(compiled.toCell(compiled.code.trimEnd().split('\n').length, 1), undefined, 'the wrapper call is no cell line');
  });

  it('syntax_errors_have_cell_line_and_column', () => {
    assert.deepEqual(transpileCell('let fine = 1;\nconst = 2;').syntaxErrors[0], { line: 2, column: 7, message: 'Variable declaration expected.' });
    const [stray] = transpileCell('if (true) {\n  return 1;\n}').syntaxErrors;
    assert.deepEqual([stray?.line, stray?.column], [2, 3]);
    assert.match(stray!.message, /return/);
  });

  it('a_cell_reports_the_globals_it_declares_without_typescripts_temporaries', () => {
    const { declarations } = transpileCell([
      'const tDa = 1, { tDb, t: [tDc] } = o; let tDd; var tDe;',
      'function tDf() {}',
      'class TDg {}',
      'enum TDh { A }',
      'namespace TDi { export const x = 1 }',
      'for (var tDj of []) {}',
      '{ var tDk = 1; let notGlobal = 2; }',
      'using tDl = null;',
      'type TDm = number;',
      'interface TDn {}',
    ].join('\n'));
    assert.deepEqual([...declarations].sort(), ['TDg', 'TDh', 'TDi', 'tDa', 'tDb', 'tDc', 'tDd', 'tDe', 'tDf', 'tDj', 'tDk', 'tDl']);
  });

  it('import_bindings_are_reported_as_data', () => {
    const { imports, declarations } = transpileCell([
      "import fs from 'node:fs';",
      "import * as path from 'node:path';",
      "import { join as j, type Stats, sep } from 'node:path';",
      "import type Q from 'node:os';",
      "import tDefault, * as tNs from 'loom/threading';",
      "import 'node:util';",
      "import tEq = require('node:assert');",
      "const tReq = require('node:os');",
      "const { hostname, cpus: tCpus, default: notAnImport, ...notEither } = require('node:os');",
      "const tDyn = await import('node:url');",
      "const { default: tDynDefault } = await import('node:url');",
      "const notAModule = require(someName);",
    ].join('\n'));
    assert.deepEqual(imports, [
      { local: 'fs', imported: 'default', specifier: 'node:fs' },
      { local: 'path', imported: '*', specifier: 'node:path' },
      { local: 'j', imported: 'join', specifier: 'node:path' },
      { local: 'sep', imported: 'sep', specifier: 'node:path' },
      { local: 'tDefault', imported: 'default', specifier: 'loom/threading' },
      { local: 'tNs', imported: '*', specifier: 'loom/threading' },
      { local: 'tEq', imported: 'default', specifier: 'node:assert' },
      { local: 'tReq', imported: 'default', specifier: 'node:os' },
      { local: 'hostname', imported: 'hostname', specifier: 'node:os' },
      { local: 'tCpus', imported: 'cpus', specifier: 'node:os' },
      { local: 'tDyn', imported: '*', specifier: 'node:url' },
      { local: 'tDynDefault', imported: 'default', specifier: 'node:url' },
    ]);
    for (const name of ['notAnImport', 'notEither', 'notAModule', 'fs', 'j']) assert.ok(declarations.includes(name), `${name} is declared`);
  });
});
