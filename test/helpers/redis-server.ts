/**
 * A real redis-server (Debian's) for the cluster tests: each test starts its
 * own on a free port bound to 127.0.0.1, with a fresh temporary directory and
 * no persistence, and stops it at the end (loom's own local-redis.ts, which
 * also ties it to this process: a killed test run leaves no server behind).
 * Where no redis-server is installed the tests are skipped, and say so loudly
 * on stderr: a quiet skip would look like a pass.
 */
import { freePort, redisServerOnPath, startLocalRedis, type LocalRedis, type LocalRedisOptions } from '../../src/internal/cluster/local-redis.js';

export { freePort };
export type RunningRedis = LocalRedis;
export type RedisOptions = LocalRedisOptions;

/** Whether Debian's redis-server is on PATH; when not, says loudly what the tests skip. */
export function redisServerInstalled(what = 'the cluster tests'): boolean {
  const found = redisServerOnPath();
  if (!found) {
    process.stderr.write(`\n*** SKIPPED ${what}: no \`redis-server\` on PATH. Install it (Debian: apt-get install redis-server; .ci/run does) to run them. ***\n\n`);
  }
  return found;
}

/** Starts a redis-server on a free port of 127.0.0.1 (or `bind`) with a temporary directory and no persistence. */
export function startRedis(options: RedisOptions = {}): Promise<RunningRedis> {
  return startLocalRedis(options);
}
