-- Adds one volunteer to those busy in a shift in the current generation: a
-- signup, which only ever adds (withdrawals and cancellations rewrite the
-- shift with shift.lua).
-- KEYS    as for volunteer.lua
-- ARGV    prefix, shift id, start, end (unix seconds), the unix time the
--         entry may expire, the volunteer's id.
-- Returns 1, or 0 when there is no generation to update.
local sid = ARGV[2]
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('SADD', KEYS[3], 's' .. sid) end
local gen = redis.call('GET', KEYS[1])
if not gen then return 0 end
local B = ARGV[1] .. ':' .. gen .. ':'
local set = B .. 'a:' .. sid
redis.call('ZADD', B .. 'z', ARGV[3], sid .. ':' .. ARGV[4])
redis.call('SADD', set, ARGV[6])
redis.call('EXPIREAT', set, ARGV[5])
for d = math.floor(tonumber(ARGV[3]) / 86400), math.floor((tonumber(ARGV[4]) - 1) / 86400) do
  local k = B .. 'bd:' .. d
  redis.call('SETBIT', k, ARGV[6], 1)
  redis.call('EXPIREAT', k, (d + 3) * 86400)
end
local len = tonumber(ARGV[4]) - tonumber(ARGV[3])
if len > tonumber(redis.call('GET', B .. 'maxlen') or '0') then
  redis.call('SET', B .. 'maxlen', len)
end
return 1
