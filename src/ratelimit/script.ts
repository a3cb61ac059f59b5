import { createHash } from 'node:crypto';

/**
 * The token bucket as one Lua script, run atomically by Redis on its own
 * clock (TIME) unless ARGV[4] gives the time. The same arithmetic as
 * takeTokens() and ratelimit.take(): whole units of 1/period of a token.
 * A bucket is a hash {t: units, u: updated ms} that expires a second after
 * it is full again, since a missing bucket is a full one.
 *
 * KEYS[1] bucket; ARGV: capacity, period ms, cost, [now ms].
 * Returns {allowed (0|1), remaining, retry after ms, reset ms}.
 */
export const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local full = capacity * period
local need = cost * period
local units = full
local updated = now
local state = redis.call('HMGET', KEYS[1], 't', 'u')
if state[1] then
  updated = tonumber(state[2])
  local elapsed = math.min(math.max(now - updated, 0), period)
  units = math.min(full, tonumber(state[1]) + elapsed * capacity)
end
local allowed = 0
if units >= need then
  allowed = 1
  units = units - need
end
local reset = math.floor((full - units + capacity - 1) / capacity)
local retry = 0
if allowed == 0 then
  retry = math.floor((need - units + capacity - 1) / capacity)
else
  redis.call('HSET', KEYS[1], 't', string.format('%d', units),
    'u', string.format('%d', math.max(updated, now)))
  redis.call('PEXPIRE', KEYS[1], reset + 1000)
end
return {allowed, math.floor(units / period), retry, reset}
`;

/** The SHA-1 that EVALSHA names the script by. */
export const TAKE_SCRIPT_SHA = createHash('sha1')
  .update(TAKE_SCRIPT)
  .digest('hex');
