import { createHash } from 'node:crypto';

/**
 * The domain's `takeToken` (domain/limits/token-bucket.ts) in Lua, so that read, refill, take and write are one
 * atomic step on the server however many processes share the bucket. It expects a local `now` in milliseconds.
 * KEYS[1]: the bucket hash; ARGV: capacity, windowMs. Replies { allowed (0|1), remaining, retryAfterMs }.
 *
 * State is written with 17 significant digits so a double survives the round trip. The key expires when the
 * bucket would be full again: a missing key reads as a full bucket, so expiry changes no decision.
 */
export const TAKE_TOKEN_BODY = `
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rate = capacity / window
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
at = math.max(now, at)
local allowed, remaining, retry = 0, 0, 0
if tokens >= 1 - 1e-9 then
  tokens = math.max(0, tokens - 1)
  allowed = 1
  remaining = math.floor(tokens)
else
  retry = math.max(0, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(at - now + (capacity - tokens) / rate)))
return { allowed, remaining, retry }
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
