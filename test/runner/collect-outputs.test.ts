import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputCollector, type IopubMessage } from '../../kernel/runner/collect-outputs.js';
import type { CodeCell } from '../../kernel/jupyter/nbformat.js';

const cell = (): CodeCell => ({ cell_type: 'code', metadata: {}, source: '', outputs: [], execution_count: null });
const message = (msg_type: string, content: Record<string, unknown>): IopubMessage => ({ header: { msg_type }, content });
const stream = (name: string, text: string) => message('stream', { name, text });
const display = (html: string, id?: string, type = 'display_data') =>
  message(type, { data: { 'text/html': html }, metadata: {}, transient: id === undefined ? {} : { display_id: id } });

describe('OutputCollector', () => {
  it('merges_consecutive_streams_of_one_name_only', () => {
    const c = cell();
    const collector = new OutputCollector();
    for (const m of [stream('stdout', 'a'), stream('stdout', 'b\n'), stream('stderr', 'e'), stream('stdout', 'c')]) collector.add(c, m);
    assert.deepEqual(c.outputs, [
      { output_type: 'stream', name: 'stdout', text: 'ab\n' },
      { output_type: 'stream', name: 'stderr', text: 'e' },
      { output_type: 'stream', name: 'stdout', text: 'c' },
    ]);
  });

  it('updates_every_output_with_the_display_id_across_cells', () => {
    const [first, second] = [cell(), cell()];
    const collector = new OutputCollector();
    collector.add(first, display('one', 'd'));
    collector.add(second, display('again', 'd'));
    collector.add(second, display('two', 'd', 'update_display_data'));
    assert.equal(first.outputs.length, 1);
    assert.equal(second.outputs.length, 1, 'an update is not an output of its own');
    for (const c of [first, second]) assert.deepEqual(c.outputs[0], { output_type: 'display_data', data: { 'text/html': 'two' }, metadata: {} });
  });

  it('a_new_display_with_a_known_id_updates_the_old_ones_too', () => {
    const c = cell();
    const collector = new OutputCollector();
    collector.add(c, display('one', 'd'));
    collector.add(c, display('two', 'd'));
    assert.deepEqual(c.outputs.map((o) => 'data' in o && o.data['text/html']), ['two', 'two']);
  });

  it('clear_output_clears_now_or_before_the_next_output', () => {
    const c = cell();
    const collector = new OutputCollector();
    collector.add(c, stream('stdout', 'gone'));
    collector.add(c, message('clear_output', { wait: false }));
    assert.deepEqual(c.outputs, []);
    collector.add(c, stream('stdout', 'still here'));
    collector.add(c, message('clear_output', { wait: true }));
    assert.equal(c.outputs.length, 1, 'wait keeps the output until the next one');
    collector.add(c, display('new'));
    assert.deepEqual(c.outputs, [{ output_type: 'display_data', data: { 'text/html': 'new' }, metadata: {} }]);
  });

  it('a_cleared_display_is_no_longer_updated', () => {
    const c = cell();
    const collector = new OutputCollector();
    collector.add(c, display('one', 'd'));
    collector.add(c, message('clear_output', { wait: false }));
    collector.add(c, stream('stdout', 'x'));
    collector.add(c, display('two', 'd', 'update_display_data'));
    assert.deepEqual(c.outputs, [{ output_type: 'stream', name: 'stdout', text: 'x' }]);
  });

  it('results_errors_and_input_become_nbformat_outputs', () => {
    const c = cell();
    const collector = new OutputCollector();
    collector.add(c, message('status', { execution_state: 'busy' }));
    collector.add(c, message('execute_input', { code: '1', execution_count: 3 }));
    collector.add(c, message('execute_result', { execution_count: 3, data: { 'text/plain': '1' }, metadata: {} }));
    collector.addInput(c, 'Name? ', 'Ada', false);
    collector.addInput(c, 'Secret? ', 'hunter2', true);
    collector.add(c, message('error', { ename: 'Error', evalue: 'x', traceback: ['Error: x'] }));
    assert.deepEqual(c.outputs, [
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '1' }, metadata: {} },
      { output_type: 'stream', name: 'stdin', text: 'Name? Ada\nSecret? ········\n' },
      { output_type: 'error', ename: 'Error', evalue: 'x', traceback: ['Error: x'] },
    ]);
  });
});
