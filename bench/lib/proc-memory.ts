/**
 * A kernel's memory as Linux counts it, from /proc, for bench/memory.ts: every
 * process of the kernel (the kernel and its descendants: Loom's executor, a
 * pool's children still alive), threads included (they share their process's
 * memory, so they count in its figures).
 *
 * Three figures per process, in MiB:
 * - RSS (VmRSS in /proc/PID/status): every page it has in memory, its own and
 *   those it shares (the node or python binary, libraries), counted in full in
 *   every process that maps them: a sum of RSS overstates many processes.
 * - PSS (smaps_rollup): a shared page divided by the number of processes that
 *   map it, so the PSS of all processes adds up to the memory they really use.
 * - private (Private_Clean + Private_Dirty): pages no other process maps, what
 *   ending the process gives back to the machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { defaultSnapshotFolder, sharedSocketPath } from '../../kernel/checker/snapshot.js';
import { SOCKET_ENV } from '../../kernel/checker/types.js';

export interface ProcessMemory {
  pid: number;
  /** A short name: the script a node or python process runs, else its command. */
  name: string;
  rss: number;
  pss: number;
  private: number;
  /** Anonymous memory (heaps, stacks): RSS minus the file-backed pages (binary, libraries). */
  anon: number;
  threads: number;
}

export interface TreeMemory {
  processes: ProcessMemory[];
  rss: number;
  pss: number;
  private: number;
  threads: number;
}

const KIB_PER_MIB = 1024;

/** A `Name:   123 kB` field of a /proc file, in MiB (NaN when absent). */
function field(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) / KIB_PER_MIB : NaN;
}

function shortName(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const script = argv.slice(1).find((arg) => !arg.startsWith('-'));
  const shown = argv[1] === '-m' ? argv[2] : script;
  return (shown ?? argv[0] ?? String(pid)).split('/').slice(-3).join('/');
}

/** One process's figures, or undefined if it has gone. */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return {
      pid,
      name: shortName(pid),
      rss: field(status, 'VmRSS'),
      pss: field(rollup, 'Pss'),
      private: field(rollup, 'Private_Clean') + field(rollup, 'Private_Dirty'),
      anon: field(rollup, 'Anonymous'),
      threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN),
    };
  } catch {
    return undefined;
  }
}

/** The parent of every living process, from /proc/PID/stat. */
function parents(): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
      found.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** A process and all its living descendants. */
export function processTree(root: number): number[] {
  const parentOf = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parentOf) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Every living process whose environment has `name`, set to `value` when given (a process of this user's: others' environ is unreadable). */
export function processesWithEnv(name: string, value?: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').some((pair) => value === undefined ? pair.startsWith(`${name}=`) : pair === `${name}=${value}`)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

/** This build's shared type checker, if it runs: the process started with its socket in its environment (kernel/checker/serve.ts). */
export function sharedCheckerPids(): number[] {
  const folder = defaultSnapshotFolder();
  const socket = folder === undefined ? undefined : sharedSocketPath(folder);
  return socket === undefined ? [] : processesWithEnv(SOCKET_ENV, socket);
}

/**
 * The figures of a kernel: its process and every descendant, and the processes
 * in `shared` (Loom's shared checker, which belongs to no kernel), with their sums.
 */
export function treeMemory(root: number, shared: readonly number[] = []): TreeMemory {
  const pids = processTree(root);
  const processes = [...pids, ...shared.filter((pid) => !pids.includes(pid))].map(processMemory).filter((p): p is ProcessMemory => p !== undefined);
  const sum = (pick: (p: ProcessMemory) => number): number => processes.reduce((total, p) => total + pick(p), 0);
  return { processes, rss: sum((p) => p.rss), pss: sum((p) => p.pss), private: sum((p) => p.private), threads: sum((p) => p.threads) };
}

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on Linux's common builds). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds a kernel has used so far: user and system time of its process and
 * every living descendant, and of the children they have waited for (a
 * pool's ended workers). Unlike a wall time, a busy machine hardly changes it.
 */
export function treeCpuSeconds(root: number, shared: readonly number[] = []): number {
  let ticks = 0;
  for (const pid of new Set([...processTree(root), ...shared])) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the ')': state is field 3, utime 14, stime 15, cutime 16, cstime 17 (proc(5)).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      for (const i of [11, 12, 13, 14]) ticks += Number(fields[i]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}
