/**
 * The spare child of a hub: Python's forkserver, in spirit. A fresh Node
 * process takes about 100 ms to boot before loom's child code even starts
 * (Python's spawn takes about as long for a whole child), so from a hub's
 * second start on (started(): starts in a row), once that start's child has
 * booted, the hub keeps one child spawned ahead, booted, its helper thread
 * running and the loom modules of the last start's side (Process or pool)
 * loaded, blocked on fd 3 for its INIT. The next Process or pool worker takes
 * it instead of spawning, and another is spawned once the taken one has booted.
 *
 * A spare is used only where a fresh child would behave the same: it was
 * spawned with the same Node options, environment and working directory as
 * the start() that takes it (a spare that differs is killed, and a fresh child
 * spawned). Until its INIT it runs nothing of the user's (the preloads, the
 * output routing and the work all come with INIT), and its argv is a fresh
 * child's. It never outlives this process: on Linux the kernel kills it when
 * its parent dies (death-signal.ts), and it has its lifeline from the start
 * (entry/process-lifeline.ts: a spare whose parent dies while it boots ends
 * at its first line, a booted one reads EOF on fd 3); it is killed when unused for SPARE_IDLE_MS
 * after it is ready (F.SPARE_READY), and with every other child when the hub
 * stops (a hub stops HUB_LINGER_MS after its last user, and its thread ends
 * once its children have exited).
 *
 * What it costs: one idle Node process (about 58 MiB RSS, 18.5 MiB of it its
 * own (PSS), and its helper thread waking every 100 ms to poll the lifeline)
 * from a hub's second start until HUB_LINGER_MS after its last user, and
 * never more than SPARE_IDLE_MS unused; and a Node boot's CPU (80-150 ms)
 * for each spare nobody takes (bench/README.md, start-up to user code).
 */
import type { Child, SpawnSetting } from './child.js';
import type { ChildInit } from './protocol.js';

/** The work a spare readies itself for: that of the last start. */
export type SpareMode = ChildInit['mode'];

/** A spare nobody took for this long after it was ready is killed: it only pays while processes are being started. */
export const SPARE_IDLE_MS = 2000;

/** The starts a hub sees before it keeps a spare (started()): from the second on, starts come in a row. */
const SPARE_AFTER_STARTS = 2;

/** Two settings are the same spawn when they serialize the same (a different key order only costs a fresh spawn). */
function keyOf(setting: SpawnSetting): string {
  return JSON.stringify([setting.execArgv, setting.cwd, setting.env]);
}

export class SpareChild {
  #spare: { child: Child; key: string; idle: NodeJS.Timeout | undefined } | undefined;
  #refill: NodeJS.Timeout | undefined;
  #last: { setting: SpawnSetting; mode: SpareMode } | undefined;
  #starts = 0;

  /** `spawnSpare` spawns a child and tells it it is a spare (F.SPARE). */
  constructor(readonly spawnSpare: (setting: SpawnSetting, mode: SpareMode) => Child) {}

  /**
   * The spare, if it was spawned as `setting` asks and is still there, and whether it
   * was ready (F.SPARE_READY) or still boots; it is no longer the spare.
   */
  take(setting: SpawnSetting): { child: Child; ready: boolean } | undefined {
    const spare = this.#spare;
    if (!spare) return undefined;
    this.#spare = undefined;
    clearTimeout(spare.idle);
    if (!spare.child.exited && spare.key === keyOf(setting)) return { child: spare.child, ready: spare.idle !== undefined };
    // Spawned with other options, environment or directory: useless now.
    spare.child.kill('SIGKILL');
    return undefined;
  }

  /**
   * A child started as `setting` asks, for `mode` work, has booted (the hub calls this
   * when it takes a ready spare, and when a fresh child or a spare taken while it still
   * booted sends its first frame, so that a spare never takes a core from a booting
   * child that a start waits for): a spare
   * like it is spawned at the end of this turn, unless one is there. Starts in one
   * turn (a pool's workers) make one spare.
   */
  refillLater(setting: SpawnSetting, mode: SpareMode): void {
    this.#last = { setting, mode };
    if (this.#starts < SPARE_AFTER_STARTS || this.#spare || this.#refill) return;
    this.#refill = setTimeout(() => {
      this.#refill = undefined;
      if (this.#spare || !this.#last) return;
      const child = this.spawnSpare(this.#last.setting, this.#last.mode);
      if (child.exited) return;
      this.#spare = { child, key: keyOf(this.#last.setting), idle: undefined };
    }, 0);
  }

  /** The spare has booted and waits for work (F.SPARE_READY): from now on it may wait SPARE_IDLE_MS. */
  ready(child: Child): void {
    const spare = this.#spare;
    if (spare?.child !== child || spare.idle) return;
    spare.idle = setTimeout(() => this.#discard(child), SPARE_IDLE_MS);
  }

  /**
   * A start: a Process, a pool opened (however many workers), or a pool's worker
   * replaced. Only a hub's second start makes a spare (refillLater): a script or
   * a cell that starts one pool and closes it would pay a child that nobody takes.
   */
  started(): void {
    this.#starts++;
  }

  /** The spare exited by itself (or was killed): forgotten. */
  forget(child: Child): void {
    if (this.#spare?.child !== child) return;
    clearTimeout(this.#spare.idle);
    this.#spare = undefined;
  }

  /** Whether `child` is the spare, not yet given work. */
  isSpare(child: Child): boolean {
    return this.#spare?.child === child;
  }

  /** No spare from now on (the hub is stopping): the pending one is not spawned, the current one killed. */
  stop(): void {
    clearTimeout(this.#refill);
    this.#refill = undefined;
    this.#last = undefined;
    if (this.#spare) this.#discard(this.#spare.child);
  }

  #discard(child: Child): void {
    this.forget(child);
    child.kill('SIGKILL');
  }
}
