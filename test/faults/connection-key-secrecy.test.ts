/**
 * The connection file's key signs every message: whoever reads it can run code.
 * The kernel, at its most verbose (LOOM_DEBUG=1), must never print it, whatever
 * goes wrong: junk on the wire, crashing cells, interrupts, a broken connection
 * file. Nor may a cell find it in its environment or arguments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Signer } from '../../kernel/wire/signer.js';
import { junkMessage, markerFrames } from './helpers/junk-messages.js';
import { LOOM_CLI, spawnKernel } from './helpers/spawn-kernel.js';

describe('connection key secrecy', { timeout: 120_000 }, () => {
  it('the_key_is_never_printed_logged_or_shown_to_cells', async (t) => {
    const kernel = await spawnKernel();
    const { client, info } = kernel;
    const seen: string[] = [];
    try {
      // Junk of every kind (a sample of the fuzzer's), then a marker to know it was all read.
      const signer = new Signer(info.signature_scheme, info.key);
      const once = client.build('execute_request', { code: '1', silent: false });
      const context = { signer, forbiddenCode: () => '1', accepted: client.encode(once).map((frame) => Buffer.from(frame)) };
      await client.send('shell', once);
      const junk = fc.sample(junkMessage(), { numRuns: 300, seed: 42 });
      await Promise.all(junk.map((message) => client.sendRaw(message.channel, message.build(context))));
      const marker = `secrecy_marker_${randomUUID()}`;
      await client.sendRaw('shell', markerFrames(signer, marker));
      await kernel.stderr.waitFor(new RegExp(marker));

      const cells = [
        "throw new Error('plain error')",
        "const n: number = 'type error'",
        "input('no stdin here')",
        'setTimeout(() => { throw new Error("late") }, 0); 1',
        'JSON.stringify([process.env, process.argv, process.execArgv, process.title])',
        "console.log('spin'); for (;;) {}",
        'process.exit(3)',
        'process.abort()',
        "require('node:fs').readdirSync('.')",
      ];
      for (const code of cells) {
        const { reply, iopub } = await client.execute(code, { stopOnError: false, onOutput: (m) => m.header.msg_type === 'stream' && m.content.text === 'spin\n' && void client.interrupt() });
        seen.push(JSON.stringify(reply.content), ...iopub.map((m) => JSON.stringify(m.content)));
      }
      for (const [type, content] of [['complete_request', { code: 'process.en', cursor_pos: 10 }], ['inspect_request', { code: 'process', cursor_pos: 7, detail_level: 1 }], ['history_request', { hist_access_type: 'tail', n: 100, output: true, raw: true }]] as const) {
        seen.push(JSON.stringify((await client.request('shell', type, content)).content));
      }
    } finally {
      await kernel.close();
    }
    const printed = `${kernel.stdout.text}\n${kernel.stderr.text}`;
    t.diagnostic(`searched ${printed.length} characters of kernel output and ${seen.length} messages for the key`);
    assert.ok(kernel.stderr.lines.some((line) => line.includes('dropped a message')), 'the log was written (the test looked at real output)');
    assert.ok(!printed.includes(info.key), 'the key is not in the kernel output');
    assert.ok(!seen.some((text) => text.includes(info.key)), 'the key reached no cell output and no reply');
  });

  it('a_broken_connection_file_is_reported_without_its_key', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-faults-'));
    try {
      const key = randomBytes(16).toString('hex');
      const base = `"ip": "127.0.0.1", "transport": "tcp", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5`;
      const broken = {
        'bad JSON right after the key': `{"key": "${key}" "signature_scheme": "hmac-sha256", ${base}}`,
        'bad JSON inside the key': `{"signature_scheme": "hmac-sha256", ${base}, "key": "${key.slice(0, 16)}\u0001${key.slice(16)}"}`,
        'cut off after the key': `{${base}, "key": "${key}`,
        'the key without quotes': `{"key": ${key}, "signature_scheme": "hmac-sha256", ${base}}`,
        'an unknown scheme': `{"key": "${key}", "signature_scheme": "hmac-sha999", ${base}}`,
        'a port that is not a number': `{"key": "${key}", ${base.replace('"shell_port": 1', '"shell_port": "one"')}}`,
        'a key that is not a string': `{"key": [${[...key].map((c) => JSON.stringify(c)).join(', ')}], ${base}}`,
      };
      for (const [what, text] of Object.entries(broken)) {
        const file = join(dir, 'connection.json');
        writeFileSync(file, text, { mode: 0o600 });
        const run = spawnSync(process.execPath, [LOOM_CLI, 'kernel', file], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LOOM_DEBUG: '1' } });
        const output = `${run.stdout}${run.stderr}`;
        t.diagnostic(`${what}: exit ${run.status}, ${JSON.stringify(output.trim().split('\n')[0])}`);
        assert.notEqual(run.status, 0, `${what}: the kernel refuses to start`);
        assert.ok(output.trim().length > 0, `${what}: it says why`);
        assert.ok(!output.includes(key) && !output.includes(key.slice(0, 16)) && !output.includes(key.slice(16)), `${what}: no part of the key is printed: ${output}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
