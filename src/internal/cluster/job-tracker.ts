/**
 * The pool's ops, in the link thread: jobs added to BullMQ's queue (a turn's
 * submits with one addBulk), and their outcomes pushed to the engine that
 * submitted them as they come. BullMQ's events (QueueEvents, a Redis stream)
 * can be lost or trimmed, and Redis can come back empty, so the jobs still
 * awaited are checked again when the queue runs dry and every lease (their
 * state, then their result), and so is an epoch key: when it is gone,
 * Redis lost its data and every job still out fails with BackendLostError
 * rather than leaving a future unsettled.
 */
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import type { Connection } from './connection.js';
import { epochKey, interruptChannel, QUEUE_NAME, workerPattern, type WorkerInfo } from './keys.js';
import type { JobData } from './jobs.js';
import type { Op } from './link.js';
import type { JobEvent } from './link-protocol.js';
import { redactUrl } from './redact.js';

interface Submit {
  jobId: string;
  data: JobData;
  added: () => void;
  failed: (error: unknown) => void;
}

interface Awaited {
  owner: number;
  task: number;
  /** When it was added (ms): a job is checked again once a lease has passed. */
  since: number;
}

/** Jobs are kept in Redis an hour after they end (so a result whose event was lost can still be read), at most 10,000 of each. */
const KEEP = { age: 3600, count: 10_000 };
/** After a `drained` event, the jobs awaited longer than this (ms) are checked (their `completed` has had time to arrive). */
const DRAIN_CHECK_MS = 200;
/** The most jobs one addBulk carries (one pipeline, written at once). */
const BULK = 500;
/** The most jobs one ZMSCORE asks about. */
const CHECK_BATCH = 5000;
const QUEUED_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

export class JobTracker {
  readonly #connection: Connection;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #url: string;
  readonly #push: (event: JobEvent) => void;
  /** This link's jobs are named `{client}-{owner}-{task}`. */
  readonly #client = randomBytes(6).toString('hex');
  readonly #jobs = new Map<string, Awaited>();
  readonly #adding = new Map<string, Promise<unknown>>();
  #queue: Queue | undefined;
  #events: QueueEvents | undefined;
  /** The events' own connection: BullMQ leaves a connection it was given open. */
  #eventsConnection: import('ioredis').Redis | undefined;
  #starting: Promise<void> | undefined;
  #epoch: string | null = null;
  #sweep: NodeJS.Timeout | undefined;
  #sweeping = false;
  #drainCheck: NodeJS.Timeout | undefined;
  /** This turn's submits, added together at its end (#addBatch). */
  #batch: Submit[] = [];
  #batchTimer: NodeJS.Immediate | undefined;

  constructor(connection: Connection, url: string, prefix: string, lease: number, push: (event: JobEvent) => void) {
    this.#connection = connection;
    this.#url = url;
    this.#prefix = prefix;
    this.#leaseMs = lease * 1000;
    this.#push = push;
  }

  #start(): Promise<void> {
    this.#starting ??= this.#open().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  async #open(): Promise<void> {
    await this.#connection.ready();
    await this.#checkEpoch();
    const prefix = this.#prefix;
    this.#queue ??= new Queue(QUEUE_NAME, { connection: this.#connection.redis, prefix });
    this.#queue.on('error', () => {});
    if (!this.#events) {
      this.#eventsConnection = this.#connection.duplicate();
      const events = new QueueEvents(QUEUE_NAME, { connection: this.#eventsConnection, prefix });
      events.on('error', () => {});
      events.on('completed', ({ jobId, returnvalue }) => this.#settle(jobId, { ok: true, body: String(returnvalue) }));
      events.on('failed', ({ jobId, failedReason }) => this.#settle(jobId, { ok: false, reason: failedReason }));
      events.on('drained', () => this.#checkSoon());
      this.#events = events;
      await this.#connection.run(() => events.waitUntilReady());
    }
    // After a reconnect, first see whether Redis came back empty.
    this.#connection.redis.on('ready', () => void this.#checkEpoch().catch(() => {}));
    this.#sweep = setInterval(() => void this.#recheck(), this.#leaseMs);
  }

  #jobId(owner: number, task: number): string {
    return `${this.#client}-${owner}-${task}`;
  }

  #settle(jobId: string, outcome: { ok: true; body: string } | { ok: false; reason: string; lost?: boolean }): void {
    const awaited = this.#jobs.get(jobId);
    if (!awaited) return;
    this.#jobs.delete(jobId);
    this.#push({ t: 'job', owner: awaited.owner, task: awaited.task, ...outcome } as JobEvent);
  }

  /** Reads the epoch key, setting it when this link is the first; a different or missing one means Redis lost its data. */
  async #checkEpoch(): Promise<void> {
    const redis = this.#connection.redis;
    const key = epochKey(this.#prefix);
    let epoch = await redis.get(key);
    if (epoch === null) {
      await redis.set(key, randomBytes(8).toString('hex'), 'NX');
      epoch = await redis.get(key);
    }
    if (this.#epoch !== null && epoch !== this.#epoch) this.#lostAll();
    this.#epoch = epoch;
  }

  #lostAll(): void {
    const reason = `Redis at ${redactUrl(this.#url)} lost its data (restarted empty, or flushed) while this task was out`;
    for (const jobId of [...this.#jobs.keys()]) this.#settle(jobId, { ok: false, reason, lost: true });
  }

  /**
   * The queue went empty (no job waiting or running): the jobs still awaited
   * that were added before are finished, and their completion events were
   * lost. A map of thousands of one-item jobs can lose some: its adds and
   * their events flood the events stream (BullMQ trims it at about 10,000
   * entries), and a `completed` trimmed before this thread reads it never
   * comes. Checked shortly (once for a burst of `drained`), not a lease from
   * now, with a few commands whatever the number of jobs (#recheckFinished).
   */
  #checkSoon(): void {
    if (this.#jobs.size === 0 || this.#drainCheck) return;
    this.#drainCheck = setTimeout(() => {
      this.#drainCheck = undefined;
      void this.#recheckFinished(this.#due(DRAIN_CHECK_MS)).catch(() => this.#recheck(DRAIN_CHECK_MS));
    }, DRAIN_CHECK_MS);
  }

  /** The jobs awaited for longer than `age` ms whose add has completed. */
  #due(age: number): string[] {
    const old = Date.now() - age;
    return [...this.#jobs].filter(([id, job]) => job.since < old && !this.#adding.has(id)).map(([id]) => id);
  }

  /**
   * Settles those of `jobIds` that have finished, found in BullMQ's sets of
   * completed and failed jobs: two ZMSCOREs for every CHECK_BATCH jobs, then
   * each finished job's hash, rather than a state script per job (a job still
   * waiting, of which a map has thousands, costs nothing more). Redis 6.2+.
   */
  async #recheckFinished(jobIds: string[]): Promise<void> {
    const queue = this.#queue;
    if (!queue || jobIds.length === 0) return;
    for (let start = 0; start < jobIds.length; start += CHECK_BATCH) {
      const ids = jobIds.slice(start, start + CHECK_BATCH);
      const [completed, failed] = await this.#connection.run((redis) => Promise.all([redis.zmscore(queue.keys.completed, ...ids), redis.zmscore(queue.keys.failed, ...ids)]));
      await Promise.all(ids.map(async (id, i) => {
        if (completed[i] === null && failed[i] === null) return;
        const job = await this.#connection.run(() => queue.getJob(id));
        if (!job) return;
        if (completed[i] !== null) this.#settle(id, { ok: true, body: String(job.returnvalue) });
        else this.#settle(id, { ok: false, reason: job.failedReason });
      }));
    }
  }

  /** Every lease: the epoch, then the state of each job awaited for longer than `age` ms (an event may never come). */
  async #recheck(age = this.#leaseMs): Promise<void> {
    if (this.#sweeping || !this.#queue || this.#connection.redis.status !== 'ready') return;
    this.#sweeping = true;
    try {
      await this.#connection.run(() => this.#checkEpoch());
      await Promise.all(this.#due(age).map((id) => this.#recheckJob(id)));
    } catch {
      // Redis is away: the next sweep (or the reconnect's epoch check) tells.
    } finally {
      this.#sweeping = false;
    }
  }

  async #recheckJob(jobId: string): Promise<void> {
    const queue = this.#queue!;
    const state = await queue.getJobState(jobId);
    if (state === 'completed' || state === 'failed') {
      const job = await queue.getJob(jobId);
      if (!job) return;
      if (state === 'completed') this.#settle(jobId, { ok: true, body: String(job.returnvalue) });
      else this.#settle(jobId, { ok: false, reason: job.failedReason });
    } else if (state === 'unknown') {
      this.#settle(jobId, { ok: false, reason: `the task's job vanished from Redis at ${redactUrl(this.#url)} (removed, or Redis lost its data)`, lost: true });
    }
  }

  async submit(args: { owner: number; task: number; data: JobData }): Promise<void> {
    await this.#start();
    const jobId = this.#jobId(args.owner, args.task);
    this.#jobs.set(jobId, { owner: args.owner, task: args.task, since: Date.now() });
    const adding = new Promise<void>((added, failed) => this.#batch.push({ jobId, data: args.data, added, failed }));
    this.#batchTimer ??= setImmediate(() => this.#addBatch());
    this.#adding.set(jobId, adding);
    try {
      await adding;
    } catch (error) {
      this.#jobs.delete(jobId);
      throw error;
    } finally {
      this.#adding.delete(jobId);
    }
  }

  /**
   * Adds this turn's submits (a map's, or one apply's) with addBulk: one
   * write and one reply for each BULK of them, rather than one per job.
   * BullMQ pipelines them, so a failure fails the jobs of that bulk.
   */
  #addBatch(): void {
    this.#batchTimer = undefined;
    const queue = this.#queue!;
    for (let start = 0; start < this.#batch.length; start += BULK) {
      const bulk = this.#batch.slice(start, start + BULK);
      const jobs = bulk.map(({ jobId, data }) => ({ name: 'task', data, opts: { jobId, attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP } }));
      this.#connection.run(() => queue.addBulk(jobs)).then(
        () => bulk.forEach((submit) => submit.added()),
        (error: unknown) => bulk.forEach((submit) => submit.failed(error)),
      );
    }
    this.#batch = [];
  }

  /** Removes a job no worker has taken; false when it runs or has ended. */
  async cancel(args: { owner: number; task: number }): Promise<boolean> {
    const jobId = this.#jobId(args.owner, args.task);
    await this.#adding.get(jobId)?.catch(() => {});
    if (!this.#jobs.has(jobId) || !this.#queue) return false;
    const removed = await this.#remove(jobId);
    if (removed) this.#jobs.delete(jobId);
    return removed;
  }

  async #remove(jobId: string): Promise<boolean> {
    const queue = this.#queue!;
    return this.#connection.run(async () => {
      const state = await queue.getJobState(jobId);
      if (!QUEUED_STATES.has(state)) return false;
      const job = await queue.getJob(jobId);
      if (!job) return false;
      try {
        await job.remove();
        return true;
      } catch {
        return false; // a worker took it meanwhile (its lock stops the removal)
      }
    });
  }

  async queued(args: { owner: number; task: number }): Promise<boolean> {
    const jobId = this.#jobId(args.owner, args.task);
    await this.#adding.get(jobId)?.catch(() => {});
    if (!this.#jobs.has(jobId) || !this.#queue) return false;
    const state = await this.#connection.run(() => this.#queue!.getJobState(jobId));
    return QUEUED_STATES.has(state);
  }

  /** Stops tasks (an interrupt, terminate): queued jobs removed, the workers running the others told through pub/sub. Forgotten either way. */
  async stop(args: { owner: number; tasks: number[] }): Promise<void> {
    const running: string[] = [];
    for (const task of args.tasks) {
      const jobId = this.#jobId(args.owner, task);
      await this.#adding.get(jobId)?.catch(() => {});
      if (!this.#jobs.delete(jobId) || !this.#queue) continue;
      if (!(await this.#remove(jobId).catch(() => false))) running.push(jobId);
    }
    if (running.length > 0) await this.#connection.run((redis) => redis.publish(interruptChannel(this.#prefix), JSON.stringify(running)));
  }

  /** The workers connected now, from their registry entries. */
  async workers(): Promise<WorkerInfo[]> {
    return this.#connection.run(async (redis) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', workerPattern(this.#prefix), 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys);
      return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerInfo).sort((a, b) => a.id.localeCompare(b.id));
    });
  }

  ops(): Record<string, Op> {
    return {
      'pool.submit': (_, args) => this.submit(args),
      'pool.cancel': (_, args) => this.cancel(args),
      'pool.queued': (_, args) => this.queued(args),
      'pool.stop': (_, args) => this.stop(args),
      'pool.workers': () => this.workers(),
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    clearTimeout(this.#drainCheck);
    clearImmediate(this.#batchTimer);
    await Promise.allSettled([this.#events?.close(), this.#queue?.close()]);
    this.#eventsConnection?.disconnect();
  }
}
