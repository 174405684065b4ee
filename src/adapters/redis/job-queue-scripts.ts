import { createHash } from 'node:crypto';

/*
 * The Redis job queue's atomic steps, one Lua script each, all on Redis's own clock (TIME), so processes whose
 * clocks disagree still agree on when a message becomes visible. KEYS are always, in order:
 *   1 q  sorted set: message id → the time (ms) it becomes visible; delivered messages sit in the future
 *   2 m  hash: id → body
 *   3 r  hash: id → receive count
 *   4 t  hash: id → receipt of the latest delivery
 *   5 s  hash: id → sent at (ms)
 *   6 d  sorted set: dead-lettered id → when (ms); its body, count and sent time stay in m, r, s
 * The keys share a hash tag, so the scripts also run on a Redis cluster (ElastiCache Serverless).
 */

const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/** ARGV: id1, body1, id2, body2, … → the number sent. */
export const SEND_LUA = `${NOW}
for i = 1, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[3], ARGV[i], 0)
  redis.call('HSET', KEYS[5], ARGV[i], now)
  redis.call('ZADD', KEYS[1], now, ARGV[i])
end
return #ARGV / 2
`;

/**
 * ARGV: max, visibilityMs, maxReceiveCount, receipt nonce → { id, body, receiveCount, receipt, sentAt }…
 * A visible message already received maxReceiveCount times moves to the dead-letter set instead (as SQS).
 */
export const RECEIVE_LUA = `${NOW}
local max = tonumber(ARGV[1])
local visibility = tonumber(ARGV[2])
local maxReceives = tonumber(ARGV[3])
local out = {}
local scanned = 0
while #out < max and scanned < max * 4 + 10 do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, max)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    scanned = scanned + 1
    local receives = tonumber(redis.call('HGET', KEYS[3], id) or '0')
    if receives >= maxReceives then
      redis.call('ZREM', KEYS[1], id)
      redis.call('HDEL', KEYS[4], id)
      redis.call('ZADD', KEYS[6], now, id)
    elseif #out < max then
      receives = receives + 1
      local receipt = id .. ':' .. receives .. ':' .. ARGV[4]
      redis.call('HSET', KEYS[3], id, receives)
      redis.call('HSET', KEYS[4], id, receipt)
      redis.call('ZADD', KEYS[1], now + visibility, id)
      table.insert(out, { id, redis.call('HGET', KEYS[2], id) or '', receives, receipt, redis.call('HGET', KEYS[5], id) or '' })
    end
  end
end
return out
`;

/** ARGV: id, receipt → 1 when deleted; 0 when the receipt is stale (delivered again since) or the id gone. */
export const ACK_LUA = `
if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
return 1
`;

/** ARGV: id, receipt, delayMs → 1 when the message will show again after the delay, else 0. */
export const RETRY_LUA = `${NOW}
if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[2] then return 0 end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return 1
`;

/** ARGV: batch → how many moved back, each visible now with a fresh receive count. */
export const REDRIVE_LUA = `${NOW}
local ids = redis.call('ZRANGE', KEYS[6], 0, tonumber(ARGV[1]) - 1)
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[6], id)
  redis.call('HSET', KEYS[3], id, 0)
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZADD', KEYS[1], now, id)
end
return #ids
`;

/** → { visible now, not visible, dead letters }. */
export const DEPTH_LUA = `${NOW}
local total = redis.call('ZCARD', KEYS[1])
local visible = redis.call('ZCOUNT', KEYS[1], '-inf', now)
return { visible, total - visible, redis.call('ZCARD', KEYS[6]) }
`;

export interface QueueScript {
  readonly lua: string;
  readonly sha: string;
}

const script = (lua: string): QueueScript => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

export const QUEUE_SCRIPTS = {
  send: script(SEND_LUA),
  receive: script(RECEIVE_LUA),
  ack: script(ACK_LUA),
  retry: script(RETRY_LUA),
  redrive: script(REDRIVE_LUA),
  depth: script(DEPTH_LUA),
} as const;
