/**
 * The Lua scripts behind the cluster queues (keys in queue-keys.ts). Each one
 * is what must be atomic on the server: a bounded put is a length check and a
 * push; a get takes the item and wakes a blocked putter; a JoinableQueue get
 * moves the item into the consumer's pending list and first gives back the
 * items of consumers whose lease ran out. The blocking waits themselves
 * (BLPOP, BLMOVE, XREAD) cannot run inside a script: queue-ops.ts issues them
 * in slices between script calls, and every script reports what to wait on
 * (the last id of a wake stream) atomically with the check that failed, so no
 * wake-up is missed.
 *
 * Replies are arrays whose first element says what happened ('ok', 'item',
 * 'full', 'empty', 'conflict', ...), read by queue-ops.ts.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The queue's stored kind and maxsize. The first caller stores its kind; the
 * first caller that gives a maxsize stores it. A later caller naming another
 * kind, or giving another maxsize, gets {'conflict', kind, maxsize}. A caller
 * that omits the maxsize ('' here) takes the stored one, and stores none: with
 * none stored the queue has no bound (so, after Redis restarted empty, a
 * consumer that comes first cannot make a producer's bounded queue unbounded).
 */
const ENSURE = `
local function ensure(meta, kind, maxsize)
  local stored = redis.call('HMGET', meta, 'kind', 'maxsize')
  if not stored[1] then
    redis.call('HSET', meta, 'kind', kind)
  elseif stored[1] ~= kind then
    return {'conflict', stored[1], stored[2] or 'none'}, 0
  end
  if maxsize == '' then return nil, tonumber(stored[2] or '0') end
  if not stored[2] then
    redis.call('HSET', meta, 'maxsize', maxsize)
  elseif stored[2] ~= maxsize then
    return {'conflict', stored[1], stored[2]}, 0
  end
  return nil, tonumber(maxsize)
end
local function lastId(stream)
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if last[1] then return last[1][1] end
  return '0-0'
end
`;

/**
 * Consumers are a sorted set: id -> the server's time (ms) of its last
 * renewal. Once that is more than a lease ago, its pending items go back to
 * the head of the queue, in their order, and count as its lost items. It stays
 * in the set for a grace period after that (longer than a blocking slice):
 * a consumer frozen while blocked in BLMOVE can still be handed an item by the
 * server until its slice times out, and that item must be found and given
 * back too. Runs at most once per half lease (the NX lock), so a get stays
 * cheap however many consumers there are.
 */
const REAP = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function reap(base, leaseMs, graceMs)
  if not redis.call('SET', base .. 'reaping', '1', 'NX', 'PX', math.max(1, math.floor(leaseMs / 2))) then return 0 end
  local consumers = base .. 'consumers'
  local lapsed = now() - leaseMs
  local moved = 0
  for _, consumer in ipairs(redis.call('ZRANGEBYSCORE', consumers, '-inf', lapsed)) do
    local pending = base .. 'pending:' .. consumer
    local n = 0
    while redis.call('LMOVE', pending, base .. 'items', 'RIGHT', 'LEFT') do n = n + 1 end
    if n > 0 then
      redis.call('INCRBY', base .. 'lost:' .. consumer, n)
      redis.call('PEXPIRE', base .. 'lost:' .. consumer, 86400000)
    end
    moved = moved + n
  end
  redis.call('ZREMRANGEBYSCORE', consumers, '-inf', lapsed - graceMs)
  return moved
end
`;

/** KEYS meta, items, space; ARGV kind, maxsize|'', item. */
const PUT = `${ENSURE}
local conflict, maxsize = ensure(KEYS[1], ARGV[1], ARGV[2])
if conflict then return conflict end
if maxsize > 0 and redis.call('LLEN', KEYS[2]) >= maxsize then return {'full', lastId(KEYS[3])} end
redis.call('RPUSH', KEYS[2], ARGV[3])
if ARGV[1] == 'JoinableQueue' then redis.call('HINCRBY', KEYS[1], 'unfinished', 1) end
return {'ok'}
`;

/**
 * KEYS meta, items, space, consumers, pending; ARGV kind, maxsize|'', base, consumer, leaseMs, graceMs.
 * Only a bounded queue's getters wake putters (no put waits on an unbounded one).
 * 'empty' carries the stored maxsize, so the op knows whether its BLPOP must wake them.
 * A JoinableQueue's consumer is marked alive before anything can enter its
 * pending list (here, or by the BLMOVE that follows an 'empty').
 */
const GET = `${ENSURE}${REAP}
local conflict, maxsize = ensure(KEYS[1], ARGV[1], ARGV[2])
if conflict then return conflict end
local item
if ARGV[1] == 'JoinableQueue' then
  redis.call('ZADD', KEYS[4], now(), ARGV[4])
  reap(ARGV[3], tonumber(ARGV[5]), tonumber(ARGV[6]))
  item = redis.call('LMOVE', KEYS[2], KEYS[5], 'LEFT', 'RIGHT')
else
  item = redis.call('LPOP', KEYS[2])
end
if not item then return {'empty', maxsize} end
if maxsize > 0 then redis.call('XADD', KEYS[3], 'MAXLEN', '1', '*', 'w', '1') end
return {'item', item}
`;

/**
 * An item a blocking get took after its caller gave up goes back to the head.
 * KEYS items, pending; ARGV kind, item. A JoinableQueue's item is taken out of
 * the pending list first; if it is no longer there, a reaper gave it back already.
 */
const PUT_BACK = `
if ARGV[1] == 'JoinableQueue' and redis.call('LREM', KEYS[2], -1, ARGV[2]) == 0 then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[2])
return 1
`;

/** The consumer's lease renewed; reaping checked. KEYS consumers, pending; ARGV base, consumer, leaseMs, graceMs. Returns how many items it holds. */
const RENEW = `${REAP}
redis.call('ZADD', KEYS[1], now(), ARGV[2])
reap(ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4]))
return redis.call('LLEN', KEYS[2])
`;

/**
 * KEYS meta, pending, lost, joined, consumers; ARGV kind, maxsize|'', base.
 * Marks the oldest item this consumer holds done. Holding none: refused when
 * a reaper gave this consumer's items to others (its lease ran out); else
 * counted, as Python counts task_done from any process, and the oldest item
 * another consumer holds is marked done in its place (so what the consumers
 * hold never exceeds what is unfinished, and a consumer that dies later gives
 * back only items nobody marked). Refused when nothing is unfinished.
 */
const TASK_DONE = `${ENSURE}
local conflict = ensure(KEYS[1], ARGV[1], ARGV[2])
if conflict then return conflict end
local held = redis.call('LPOP', KEYS[2])
if not held and tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then
  redis.call('DECR', KEYS[3])
  return {'lost'}
end
if tonumber(redis.call('HGET', KEYS[1], 'unfinished') or '0') <= 0 then
  if held then redis.call('LPUSH', KEYS[2], held) end
  return {'too-many'}
end
if not held then
  for _, consumer in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
    if redis.call('LPOP', ARGV[3] .. 'pending:' .. consumer) then break end
  end
end
if redis.call('HINCRBY', KEYS[1], 'unfinished', -1) == 0 then
  redis.call('XADD', KEYS[4], 'MAXLEN', '1', '*', 'w', '1')
end
return {'ok'}
`;

/** KEYS meta, joined; ARGV kind, maxsize|''. 'done', or what to wait on. */
const JOIN = `${ENSURE}
local conflict = ensure(KEYS[1], ARGV[1], ARGV[2])
if conflict then return conflict end
if tonumber(redis.call('HGET', KEYS[1], 'unfinished') or '0') <= 0 then return {'done'} end
return {'wait', lastId(KEYS[2])}
`;

/** KEYS meta, items; ARGV kind, maxsize|''. {'size', length, maxsize}. */
const SIZE = `${ENSURE}
local conflict, maxsize = ensure(KEYS[1], ARGV[1], ARGV[2])
if conflict then return conflict end
return {'size', redis.call('LLEN', KEYS[2]), maxsize}
`;

/** A script and its SHA-1, for EVALSHA. */
class Script {
  readonly sha: string;
  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /**
   * Runs it, replies as Buffers; loaded again (EVAL) when the server does not
   * know it: a Redis restarted empty has forgotten every script.
   */
  async run(redis: Redis, keys: string[], args: (string | Buffer | number)[]): Promise<unknown> {
    try {
      return await redis.callBuffer('EVALSHA', [this.sha, keys.length, ...keys, ...args]);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return await redis.callBuffer('EVAL', [this.lua, keys.length, ...keys, ...args]);
    }
  }
}

export const scripts = {
  put: new Script(PUT),
  get: new Script(GET),
  putBack: new Script(PUT_BACK),
  renew: new Script(RENEW),
  taskDone: new Script(TASK_DONE),
  join: new Script(JOIN),
  size: new Script(SIZE),
};
