/**
 * bench/lib/proc-memory.ts, what bench:memory reads from /proc, on real
 * processes: a node child holding a grandchild (as a Loom kernel holds its
 * executor). The figures are only checked for consistency (PSS and private
 * memory at most RSS; sums are sums), never for sizes or times. (No CPython
 * counterpart: psutil's memory_full_info() reads the same files.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { processMemory, processTree, treeCpuSeconds, treeMemory } from '../../bench/lib/proc-memory.js';

/** A node process that starts a grandchild, prints its pid once it runs, and waits to be killed. */
async function parentWithGrandchild(): Promise<{ pid: number; grandchild: number; stop: () => Promise<void> }> {
  const script = `
    const { spawn } = require('node:child_process');
    const grandchild = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    grandchild.stdout.once('data', () => process.stdout.write(grandchild.pid + '\\n'));
    process.on('SIGTERM', () => { grandchild.kill('SIGKILL'); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return {
    pid: child.pid!,
    grandchild: Number(String(line).trim()),
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

test('a process tree holds the process and its descendants, and its sums add up its processes', async () => {
  const family = await parentWithGrandchild();
  try {
    assert.deepEqual(processTree(family.pid), [family.pid, family.grandchild]);
    const tree = treeMemory(family.pid);
    assert.deepEqual(tree.processes.map((p) => p.pid), [family.pid, family.grandchild]);
    for (const p of tree.processes) {
      assert.ok(p.rss > 0 && p.pss > 0 && p.private > 0, `${p.name}: ${JSON.stringify(p)}`);
      assert.ok(p.pss <= p.rss && p.private <= p.rss, `${p.name}: ${JSON.stringify(p)}`);
      assert.ok(p.threads >= 1);
    }
    const sum = tree.processes.reduce((total, p) => total + p.rss, 0);
    assert.ok(Math.abs(tree.rss - sum) < 1e-9);
    assert.ok(treeCpuSeconds(family.pid) >= 0);
  } finally {
    await family.stop();
  }
});

test('a process that has gone has no figures, and its tree is itself alone', async () => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await once(child, 'exit');
  assert.equal(processMemory(pid), undefined);
  assert.deepEqual(treeMemory(pid).processes, []);
});
