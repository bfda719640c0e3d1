/**
 * A network cut for the cluster tests (issue 15, test 4: "a worker cut off
 * from the network"): a Linux network namespace joined to this one by a veth
 * pair with a private /30, processes started inside it with `ip netns exec`,
 * and the link taken down and up again. Needs root and iproute2's `ip`
 * (Debian: apt-get install iproute2; .ci/run does); where either is missing
 * the tests are skipped and say so loudly on stderr, as redisServerInstalled does.
 *
 *   await using ns = await createNetns();
 *   await using redis = await startRedis({ bind: ['127.0.0.1', ns.hostAddress] });
 *   const child = ns.exec(process.execPath, [script, ns.urlFromInside(redis.url)]);
 *   await ns.cut(); ... await ns.restore();
 *
 * Nothing routes past this machine: the namespace has no default route, and
 * the host gets a blackhole route for the /30 beneath the link's own, so that
 * even with the link down nothing addressed to the namespace follows the
 * default route out. Names carry the pid of the test process, so that a later
 * run removes what a killed one left behind.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { isAlive, waitForExit } from './processes.js';

const PREFIX = 'loom-';
/** The /30s are taken from 10.213.0.0/16 (16,384 of them), skipping any this machine already routes. */
const BLOCK = [10, 213] as const;
/** The metric of the safety blackhole route: beneath the link's own (metric 0), used only when that one is gone. */
const BLACKHOLE_METRIC = 4242;

export interface Netns {
  /** The namespace's name (`ip netns list`), `loom-PID-N`. */
  readonly name: string;
  /** The host's end of the veth pair (in this namespace), `lmPIDhN`. */
  readonly hostLink: string;
  /** The namespace's end, `lmPIDnN`. */
  readonly insideLink: string;
  /** The host's address on the link: what a process inside reaches this machine by. */
  readonly hostAddress: string;
  /** The namespace's address on the link. */
  readonly insideAddress: string;
  /** `url` with its host replaced by `hostAddress` (user and password kept): the same server, seen from inside. */
  urlFromInside(url: string): string;
  /** Starts `command` inside the namespace (`ip netns exec`, which execs it: the child's pid is the command's). */
  exec(command: string, args?: string[], options?: SpawnOptions): ChildProcess;
  /**
   * Takes the namespace's end of the link down: inside, the route to the host is
   * gone (new connections fail, open ones stall and retransmit); outside, packets
   * to it are dropped. Open TCP connections survive a short cut, as on a real network.
   */
  cut(): Promise<void>;
  /** Brings the namespace's end up again (its address and route come back with it). */
  restore(): Promise<void>;
  /** Kills every process inside (SIGKILL), removes the veth pair, the route and the namespace. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Runs `ip ARGS`; throws with its stderr when it fails. */
function ip(...args: string[]): string {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(run.stderr || run.error?.message || `status ${run.status}`).trim()}`);
  return run.stdout;
}

/** Runs `ip ARGS` and ignores a failure (cleaning up what may already be gone). */
function ipQuietly(...args: string[]): void {
  spawnSync('ip', args, { stdio: 'ignore' });
}

let availability: string | undefined | null = null;

/**
 * Why network namespaces cannot be used here (not root, no `ip`, or the kernel
 * refuses a namespace or a veth pair), or undefined when they can. Tried once
 * per process, with a real namespace and pair that are removed at once.
 */
function unavailableBecause(): string | undefined {
  if (availability !== null) return availability;
  availability = (() => {
    if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
    if (process.getuid?.() !== 0) return 'not running as root (network namespaces need CAP_NET_ADMIN)';
    if (spawnSync('sh', ['-c', 'command -v ip'], { stdio: 'ignore' }).status !== 0) return 'no `ip` on PATH (Debian: apt-get install iproute2; .ci/run does)';
    const probe = `${PREFIX}${process.pid}-probe`;
    try {
      ip('netns', 'add', probe);
      ip('link', 'add', `lm${process.pid}hp`, 'type', 'veth', 'peer', 'name', `lm${process.pid}np`, 'netns', probe);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    } finally {
      ipQuietly('link', 'del', `lm${process.pid}hp`);
      ipQuietly('netns', 'del', probe);
    }
  })();
  return availability;
}

/** Whether network namespaces can be made here; when not, says loudly what the tests skip and why. */
export function netnsAvailable(what = 'the network-cut tests'): boolean {
  const reason = unavailableBecause();
  if (reason !== undefined) {
    process.stderr.write(`\n*** SKIPPED ${what}: ${reason}. They need root and iproute2's \`ip netns\`. ***\n\n`);
  }
  return reason === undefined;
}

/** The namespaces this machine has (`ip netns list` prints `NAME` or `NAME (id: N)`). */
export function namespaces(): string[] {
  return ip('netns', 'list').split('\n').map((line) => line.split(' ')[0]).filter(Boolean);
}

/** Whether a link of that name exists in this namespace. */
export function linkExists(name: string): boolean {
  return spawnSync('ip', ['link', 'show', 'dev', name], { stdio: 'ignore' }).status === 0;
}

/** The pids of the processes inside a namespace. */
function pidsIn(name: string): number[] {
  const run = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.split('\n').filter(Boolean).map(Number) : [];
}

interface Made {
  name: string;
  hostLink: string;
  subnet: string;
}

/** Removes one namespace with all it holds. Synchronous, so that an exit handler can run it. */
function removeSync(made: Made): number[] {
  const pids = pidsIn(made.name);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  // Removing one end of a veth pair removes both; the namespace itself goes once its last process has.
  ipQuietly('link', 'del', made.hostLink);
  ipQuietly('route', 'del', 'blackhole', made.subnet, 'metric', String(BLACKHOLE_METRIC));
  ipQuietly('netns', 'del', made.name);
  return pids;
}

/** The namespaces of this process not yet closed: removed on exit even when a test failed without closing them. */
const open = new Set<Made>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const made of open) removeSync(made);
  });
}

/**
 * Removes what test processes that no longer run left behind (one killed by
 * SIGKILL runs no exit hook): namespaces `loom-PID-N` of a dead PID, with their
 * links and routes.
 */
export function sweepStale(): void {
  for (const name of namespaces()) {
    const match = /^loom-(\d+)-(\d+|probe)$/.exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    removeSync({ name, hostLink: `lm${match[1]}h${match[2] === 'probe' ? 'p' : match[2]}`, subnet: '' });
  }
  // Blackhole routes whose link is gone: the subnet is free again once its namespace is.
  for (const line of ip('-4', 'route', 'show', 'type', 'blackhole').split('\n')) {
    const match = new RegExp(`^blackhole (${BLOCK.join('\\.')}\\.\\d+\\.\\d+/30) .*metric ${BLACKHOLE_METRIC}`).exec(line);
    if (match && !ip('-4', 'route', 'show', match[1], 'proto', 'kernel').trim()) ipQuietly('route', 'del', 'blackhole', match[1], 'metric', String(BLACKHOLE_METRIC));
  }
}

/** The first /30 of the block, from a start picked by pid and counter, that this machine neither routes nor has an address in. */
function freeSubnet(seed: number): [string, string, string] {
  const routes = ip('-4', 'route', 'show', 'table', 'all') + ip('-4', '-o', 'addr', 'show');
  for (let i = 0; i < 16_384; i++) {
    const index = (seed + i) % 16_384;
    const base = `${BLOCK[0]}.${BLOCK[1]}.${index >> 6}.${(index & 63) * 4}`;
    const [host, inside] = [`${BLOCK[0]}.${BLOCK[1]}.${index >> 6}.${(index & 63) * 4 + 1}`, `${BLOCK[0]}.${BLOCK[1]}.${index >> 6}.${(index & 63) * 4 + 2}`];
    if (!routes.includes(`${base}/30`) && !routes.includes(`${host}/`) && !routes.includes(`${inside}/`)) return [`${base}/30`, host, inside];
  }
  throw new Error(`no free /30 left in ${BLOCK.join('.')}.0.0/16`);
}

let counter = 0;

/** Makes a namespace joined to this one by a veth pair with a private /30, its link and loopback up. */
export async function createNetns(): Promise<Netns> {
  const reason = unavailableBecause();
  if (reason !== undefined) throw new Error(`cannot make a network namespace: ${reason}`);
  sweepStale();
  installExitHook();
  const n = counter++;
  const made: Made = { name: `${PREFIX}${process.pid}-${n}`, hostLink: `lm${process.pid}h${n}`, subnet: '' };
  const insideLink = `lm${process.pid}n${n}`;
  const [subnet, hostAddress, insideAddress] = freeSubnet(process.pid * 64 + n);
  made.subnet = subnet;
  open.add(made);
  const children = new Set<ChildProcess>();
  try {
    ip('netns', 'add', made.name);
    ip('link', 'add', made.hostLink, 'type', 'veth', 'peer', 'name', insideLink, 'netns', made.name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', made.hostLink);
    ip('link', 'set', made.hostLink, 'up');
    ip('route', 'add', 'blackhole', subnet, 'metric', String(BLACKHOLE_METRIC));
    ip('-n', made.name, 'addr', 'add', `${insideAddress}/30`, 'dev', insideLink);
    ip('-n', made.name, 'link', 'set', insideLink, 'up');
    ip('-n', made.name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    removeSync(made);
    open.delete(made);
    throw error;
  }
  const close = async (): Promise<void> => {
    if (!open.delete(made)) return;
    for (const child of children) child.kill('SIGKILL');
    const pids = removeSync(made);
    await waitForExit([...pids, ...[...children].map((child) => child.pid ?? -1).filter((pid) => pid > 0)]);
  };
  return {
    name: made.name,
    hostLink: made.hostLink,
    insideLink,
    hostAddress,
    insideAddress,
    urlFromInside(url: string): string {
      const parsed = new URL(url);
      parsed.hostname = hostAddress;
      return parsed.toString().replace(/\/$/, '');
    },
    exec(command: string, args: string[] = [], options: SpawnOptions = {}): ChildProcess {
      if (!open.has(made)) throw new Error(`network namespace ${made.name} is closed`);
      const child = spawn('ip', ['netns', 'exec', made.name, command, ...args], options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async cut(): Promise<void> {
      ip('-n', made.name, 'link', 'set', insideLink, 'down');
    },
    async restore(): Promise<void> {
      ip('-n', made.name, 'link', 'set', insideLink, 'up');
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
