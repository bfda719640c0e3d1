/**
 * Start-up time measured without KernelClient: its start() polls kernel_info
 * every 500 ms and also waits for iopub, which would round a kernel's time up
 * to that poll. Here one request is queued before the kernel exists, and the
 * clock stops when its reply arrives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Dealer } from 'zeromq';
import { writeConnectionFile } from '../../kernel/client/connection-file.js';
import { decode, encode } from '../../kernel/wire/codec.js';
import { endpoint } from '../../kernel/wire/connection.js';
import { Signer } from '../../kernel/wire/signer.js';

/** Kernel processes alive now, so that an interrupted benchmark can kill them. */
export const liveKernels = new Set<ChildProcess>();

/** Seconds from spawning the kernel to its first kernel_info_reply; the kernel is then stopped. */
export async function timeToKernelInfo(argv: string[], cwd: string, timeoutMs = 60_000): Promise<number> {
  const { info, dir, file } = await writeConnectionFile('loom-bench-');
  const signer = new Signer(info.signature_scheme, info.key);
  const dealer = new Dealer({ linger: 0, receiveTimeout: timeoutMs });
  dealer.connect(endpoint(info, 'shell'));
  const request = {
    idents: [], parent_header: {}, metadata: {}, content: {}, buffers: [],
    header: { msg_id: randomUUID(), msg_type: 'kernel_info_request', session: randomUUID(), username: 'bench', date: new Date().toISOString(), version: '5.3' },
  };
  const t0 = performance.now();
  const child = spawn(argv[0], argv.slice(1).map((a) => a.replace('{connection_file}', file)), { cwd, stdio: 'ignore' });
  const exited = once(child, 'exit');
  liveKernels.add(child);
  try {
    await dealer.send(encode(request, signer)); // queued by ZeroMQ until the kernel binds
    const died = exited.then(([code, signal]) => Promise.reject(new Error(`${argv[0]} exited (${code ?? signal}) before answering kernel_info`)));
    return await Promise.race([died, reply(dealer, signer, request.header.msg_id).then(() => (performance.now() - t0) / 1000)]);
  } finally {
    dealer.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    liveKernels.delete(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function reply(dealer: Dealer, signer: Signer, msgId: string): Promise<void> {
  for (;;) {
    const decoded = decode(await dealer.receive(), signer);
    if (decoded.ok && decoded.message.parent_header.msg_id === msgId) return;
  }
}
