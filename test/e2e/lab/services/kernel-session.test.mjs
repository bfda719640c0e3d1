// What JupyterLab asks of the Loom kernel, asked through JupyterLab's own
// client library (@jupyterlab/services) in Node, against the same server the
// browser tests use: sessions, execution with outputs, input(), interrupt,
// restart and shutdown, over both kernel websocket protocols.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { KernelManager, ServerConnection, SessionManager } from '@jupyterlab/services';
import WebSocket from 'ws';
import { serverFromEnv } from '../harness/server-from-env.mjs';

const server = serverFromEnv();
const V1 = 'v1.kernel.websocket.jupyter.org';

/**
 * A WebSocket for @jupyterlab/services that remembers the sockets it opened.
 * `offer: false` offers the server no subprotocol, as older front ends did,
 * so the server falls back to its JSON (legacy) protocol.
 */
function recordingWebSocket({ offer }) {
  const opened = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, offer ? protocols : []);
      opened.push(this);
    }
  }
  return { WebSocket: RecordingWebSocket, opened };
}

/** Runs code; resolves with the reply and the iopub messages (minus status). */
async function execute(kernel, code, { onStdin } = {}) {
  const iopub = [];
  const future = kernel.requestExecute({ code, allow_stdin: onStdin !== undefined });
  future.onIOPub = (message) => {
    if (message.header.msg_type !== 'status') iopub.push(message);
  };
  if (onStdin) future.onStdin = (message) => onStdin(message, future);
  const reply = await future.done;
  return { reply, iopub, future };
}

const streamText = (iopub, name) =>
  iopub
    .filter((m) => m.header.msg_type === 'stream' && m.content.name === name)
    .map((m) => m.content.text)
    .join('');

/** Kernel processes are found by their connection file, which names the kernel id. */
function kernelProcessRunning(kernelId) {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`kernel-${kernelId}.json`);
      } catch {
        return false;
      }
    });
}

/** Resolves once condition() holds; rejects saying `what` after the deadline. */
async function eventually(condition, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs / 1000} s`);
    await delay(50); // polling a condition, with a deadline
  }
}

for (const protocol of [
  { name: V1, offer: true, expected: V1 },
  { name: 'the legacy JSON protocol', offer: false, expected: '' },
]) {
  describe(`over ${protocol.name}`, () => {
    const socket = recordingWebSocket(protocol);
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: server.url,
      wsUrl: server.url.replace(/^http/, 'ws'),
      token: server.token,
      WebSocket: socket.WebSocket,
    });
    const kernelManager = new KernelManager({ serverSettings });
    const sessionManager = new SessionManager({ serverSettings, kernelManager });
    const path = `services-${protocol.offer ? 'v1' : 'legacy'}.ipynb`;
    let session;
    let kernel;

    before(async () => {
      await sessionManager.ready;
      session = await sessionManager.startNew({ path, type: 'notebook', name: path, kernel: { name: 'loom' } });
      kernel = session.kernel;
      await kernel.info; // answered once the websocket is connected
    });

    after(async () => {
      if (session && !session.isDisposed) await session.shutdown().catch(() => {});
      sessionManager.dispose();
      kernelManager.dispose();
    });

    test('a notebook session starts the Loom kernel and speaks the protocol the server chose', { timeout: 60_000 }, async () => {
      assert.equal(kernel.name, 'loom');
      const info = (await kernel.requestKernelInfo()).content;
      assert.equal(info.status, 'ok');
      assert.equal(info.language_info.name, 'typescript');
      assert.deepEqual(info.language_info.codemirror_mode, { name: 'typescript', typescript: true });
      const listed = await (await server.api('api/sessions')).json();
      assert.ok(listed.some((s) => s.id === session.id && s.kernel.id === kernel.id && s.path === path), 'the server does not list the session');
      assert.ok(socket.opened.length > 0, 'no websocket was opened');
      assert.equal(socket.opened.at(-1).protocol, protocol.expected);
    });

    test('execute shows stdout, stderr, display data and the result', { timeout: 60_000 }, async () => {
      const { reply, iopub } = await execute(kernel, "const answer: number = 40 + 2;\nconsole.log('to stdout');\nconsole.error('to stderr');\ndisplay.html('<b>bold</b>');\nanswer");
      assert.equal(reply.content.status, 'ok');
      assert.equal(streamText(iopub, 'stdout'), 'to stdout\n');
      assert.equal(streamText(iopub, 'stderr'), 'to stderr\n');
      const display = iopub.find((m) => m.header.msg_type === 'display_data');
      assert.equal(display?.content.data['text/html'], '<b>bold</b>');
      const result = iopub.find((m) => m.header.msg_type === 'execute_result');
      assert.equal(result?.content.data['text/plain'], '42');
      assert.equal(result.content.execution_count, reply.content.execution_count);
    });

    test('input() sends input_request and uses the input_reply', { timeout: 60_000 }, async () => {
      const prompts = [];
      const { reply, iopub } = await execute(kernel, "const name = input('Name? ');\nconst secret = input('Secret? ', { password: true });\nconsole.log(`${name} knows ${secret.length} letters`);", {
        onStdin: (message, future) => {
          prompts.push([message.content.prompt, message.content.password]);
          future.sendInputReply({ status: 'ok', value: message.content.password ? 'hunter2' : 'Ada' }, message.header);
        },
      });
      assert.equal(reply.content.status, 'ok');
      assert.deepEqual(prompts, [
        ['Name? ', false],
        ['Secret? ', true],
      ]);
      assert.equal(streamText(iopub, 'stdout'), 'Ada knows 7 letters\n');
    });

    test('interrupt stops a busy cell and keeps its variables', { timeout: 60_000 }, async () => {
      const iopub = [];
      const future = kernel.requestExecute({ code: "let spins = 0;\nconsole.log('spinning');\nwhile (true) spins++;" });
      future.onIOPub = (message) => iopub.push(message);
      // Interrupt once the loop runs: before that, there is nothing to stop.
      await eventually(() => streamText(iopub, 'stdout').includes('spinning'), 'the cell printed "spinning"');
      await kernel.interrupt();
      const reply = await future.done;
      assert.equal(reply.content.status, 'error');
      assert.equal(reply.content.ename, 'KeyboardInterrupt');
      const after = await execute(kernel, 'console.log(spins > 0, answer)');
      assert.equal(after.reply.content.status, 'ok');
      assert.equal(streamText(after.iopub, 'stdout'), 'true 42\n');
    });

    test('restart starts a fresh kernel without the old variables', { timeout: 60_000 }, async () => {
      const before = kernel.id;
      await kernel.restart();
      await eventually(() => kernel.connectionStatus === 'connected' && kernel.status === 'idle', 'the restarted kernel is connected and idle');
      assert.equal(kernel.id, before, 'a restart keeps the kernel id');
      const { reply } = await execute(kernel, '1 + 1');
      assert.equal(reply.content.status, 'ok');
      assert.equal(reply.content.execution_count, 1, 'the execution count starts again');
      const missing = await execute(kernel, 'answer');
      assert.equal(missing.reply.content.status, 'error');
      assert.match(`${missing.reply.content.ename}: ${missing.reply.content.evalue}`, /answer/);
    });

    test('shutdown ends the session and the kernel process', { timeout: 60_000 }, async () => {
      const kernelId = kernel.id;
      assert.ok(kernelProcessRunning(kernelId), 'no process runs the kernel before shutdown');
      await session.shutdown();
      const listed = await (await server.api('api/sessions')).json();
      assert.ok(!listed.some((s) => s.id === session.id), 'the server still lists the session');
      const kernels = await (await server.api('api/kernels')).json();
      assert.ok(!kernels.some((k) => k.id === kernelId), 'the server still lists the kernel');
      await eventually(() => !kernelProcessRunning(kernelId), `the kernel process (kernel-${kernelId}.json) has exited`);
    });
  });
}
