import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../kernel/cli/usage.js';
import { ENAME } from '../../kernel/enames.js';
import { KernelError } from '../../kernel/errors.js';
import { KeyboardInterrupt, StdinNotImplementedError } from '../../kernel/executor/runtime/errors.js';
import { SpecInputError } from '../../kernel/install/kernelspec.js';
import { AnswersError } from '../../kernel/runner/answers.js';
import { FindError } from '../../kernel/runner/find-notebooks.js';
import { NotebookError } from '../../kernel/runner/read-notebook.js';
import { ConnectionFileError } from '../../kernel/wire/connection.js';

describe('kernel errors', () => {
  const errors: Array<[KernelError, string, string]> = [
    [new UsageError('missing command'), 'UsageError', 'ERR_LOOM_USAGE'],
    [new SpecInputError('bad name'), 'SpecInputError', 'ERR_LOOM_SPEC_INPUT'],
    [new ConnectionFileError('bad file'), 'ConnectionFileError', 'ERR_LOOM_CONNECTION_FILE'],
    [new FindError('nothing'), 'FindError', 'ERR_LOOM_FIND_NOTEBOOKS'],
    [new AnswersError('bad answers'), 'AnswersError', 'ERR_LOOM_ANSWERS'],
    [new NotebookError('a.ipynb', 'bad cell'), 'NotebookError', 'ERR_LOOM_NOTEBOOK'],
    [new KeyboardInterrupt(), 'KeyboardInterrupt', 'LOOM_KEYBOARD_INTERRUPT'],
    [new StdinNotImplementedError(), 'StdinNotImplementedError', 'LOOM_STDIN_NOT_IMPLEMENTED'],
  ];

  it('each_is_named_for_its_class_and_has_a_stable_code', () => {
    for (const [error, name, code] of errors) {
      assert.ok(error instanceof KernelError && error instanceof Error, name);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.ok(String(error).startsWith(`${name}: `), String(error));
      assert.ok(String(error.stack).startsWith(`${name}: `), String(error.stack));
    }
  });

  it('the_name_is_not_an_enumerable_field', () => {
    // Spreading or logging an error shows what it carries, not its name again.
    assert.deepEqual(Object.keys(new UsageError('x')), ['code']);
  });

  it('messages_are_unchanged', () => {
    assert.equal(new NotebookError('a.ipynb', 'bad cell').message, 'a.ipynb: bad cell');
    assert.equal(new KeyboardInterrupt().message, 'Interrupted');
  });

  it('enames_are_the_names_clients_match_on', () => {
    assert.deepEqual(
      Object.values(ENAME).sort(),
      ['BadRequest', 'Error', 'ExecutorDied', 'ExecutorUnavailable', 'KernelShutdown', 'KeyboardInterrupt', 'SyntaxError', 'TSError', 'Thrown'],
    );
  });
});
