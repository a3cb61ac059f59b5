import { createHash } from 'node:crypto';

/**
 * The token bucket as one Lua script, run atomically by Redis on its own
 * clock (TIME) unless ARGV[4] gives the time. The same arithmetic as
 * takeTokens() and ratelimit.take(): whole units of 1/period of a token.
 * A bucket is the string `units:updated ms`, which expires a second after
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
local state = redis.call('GET', KEYS[1])
if state then
  local sep = string.find(state, ':', 1, true)
  updated = tonumber(string.sub(state, sep + 1))
  local elapsed = math.min(math.max(now - updated, 0), period)
  units = math.min(full, tonumber(string.sub(state, 1, sep - 1))
    + elapsed * capacity)
end
if units < need then
  return {0, math.floor(units / period),
    math.floor((need - units + capacity - 1) / capacity),
    math.floor((full - units + capacity - 1) / capacity)}
end
units = units - need
local reset = math.floor((full - units + capacity - 1) / capacity)
redis.call('SET', KEYS[1],
  string.format('%d:%d', units, math.max(updated, now)), 'PX', reset + 1000)
return {1, math.floor(units / period), 0, reset}
`;

/** The SHA-1 that EVALSHA names the script by. */
export const TAKE_SCRIPT_SHA = createHash('sha1')
  .update(TAKE_SCRIPT)
  .digest('hex');
