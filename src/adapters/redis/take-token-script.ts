import { createHash } from 'node:crypto';

/**
 * The domain's `takeFromAll` (domain/limits/token-bucket.ts) in Lua, so that read, refill, take and write are one
 * atomic step on the server however many processes share the buckets. It expects a local `now` in milliseconds.
 * KEYS[i]: bucket i's hash; ARGV: capacity, windowMs, cost for each bucket in turn. Takes from every bucket or
 * from none. Replies { allowed (0|1), then per bucket: enough (0|1), remaining, retryAfterMs, resetMs }.
 *
 * State is written with 17 significant digits so a double survives the round trip. A key expires when its bucket
 * would be full again: a missing key reads as a full bucket, so expiry changes no decision. With Redis Cluster
 * (ElastiCache Serverless) every key of one call must hash to the same slot: callers put a `{hash tag}` in them.
 */
export const TAKE_TOKEN_BODY = `
local count = #KEYS
local buckets = {}
local allowed = 1
for i = 1, count do
  local capacity = tonumber(ARGV[i * 3 - 2])
  local window = tonumber(ARGV[i * 3 - 1])
  local cost = tonumber(ARGV[i * 3])
  local rate = capacity / window
  local saved = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tokens = tonumber(saved[1])
  local at = tonumber(saved[2])
  if tokens == nil or at == nil then
    tokens = capacity
    at = now
  end
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  at = math.max(now, at)
  local enough = 0
  if tokens >= cost - 1e-9 then enough = 1 else allowed = 0 end
  buckets[i] = { capacity, rate, cost, tokens, at, enough }
end
local reply = { allowed }
for i = 1, count do
  local b = buckets[i]
  local capacity, rate, cost, tokens, at, enough = b[1], b[2], b[3], b[4], b[5], b[6]
  local retry = 0
  if allowed == 1 then tokens = math.max(0, tokens - cost) end
  if enough == 0 then retry = math.max(0, math.ceil((cost - tokens) / rate)) end
  local reset = math.max(0, math.ceil((capacity - tokens) / rate))
  redis.call('HSET', KEYS[i], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
  redis.call('PEXPIRE', KEYS[i], math.max(1, math.ceil(at - now + (capacity - tokens) / rate)))
  reply[#reply + 1] = enough
  reply[#reply + 1] = math.floor(tokens)
  reply[#reply + 1] = retry
  reply[#reply + 1] = reset
end
return reply
`;

/**
 * Redis's clock, not the caller's: instances may be minutes apart (FAULTS #15), the server is one clock for all.
 * A script may write after reading TIME since Redis 5 (effects replication), the default from Redis 7.
 */
const SERVER_NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
`;

export const TAKE_TOKEN_LUA = SERVER_NOW + TAKE_TOKEN_BODY;
export const TAKE_TOKEN_SHA = createHash('sha1').update(TAKE_TOKEN_LUA).digest('hex');

/**
 * The domain's `giveBackTokens` in Lua: refill, then add the tokens given back, never above the capacity, as one
 * atomic step. KEYS[1]: the bucket's hash; ARGV: capacity, windowMs, tokens. A missing key is a full bucket, so
 * there is nothing to give back to. Replies 1 when the bucket was changed, else 0.
 */
export const GIVE_BACK_BODY = `
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local given = math.max(0, tonumber(ARGV[3]))
local rate = capacity / window
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then return 0 end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate + given)
at = math.max(now, at)
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(at - now + (capacity - tokens) / rate)))
return 1
`;

export const GIVE_BACK_LUA = SERVER_NOW + GIVE_BACK_BODY;
export const GIVE_BACK_SHA = createHash('sha1').update(GIVE_BACK_LUA).digest('hex');
