-- Rewrites who is busy in one shift in the current generation.
-- KEYS    as for volunteer.lua
-- ARGV    prefix, shift id, start, end (unix seconds), the unix time the
--         entry may expire, then the ids of the volunteers holding an active
--         assignment in it.
-- Returns 1, or 0 when there is no generation to update.
local sid = ARGV[2]
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('SADD', KEYS[3], 's' .. sid) end
local gen = redis.call('GET', KEYS[1])
if not gen then return 0 end
local B = ARGV[1] .. ':' .. gen .. ':'
local member = sid .. ':' .. ARGV[4]
local set = B .. 'a:' .. sid
redis.call('DEL', set)
if #ARGV < 6 then
  redis.call('ZREM', B .. 'z', member)
  return 1
end
redis.call('ZADD', B .. 'z', ARGV[3], member)
for j = 6, #ARGV do redis.call('SADD', set, ARGV[j]) end
redis.call('EXPIREAT', set, ARGV[5])
-- The busy-day bitmaps are a superset (see match.lua): bits are set, never
-- cleared, until the next rebuild.
for d = math.floor(tonumber(ARGV[3]) / 86400), math.floor((tonumber(ARGV[4]) - 1) / 86400) do
  local k = B .. 'bd:' .. d
  for j = 6, #ARGV do redis.call('SETBIT', k, ARGV[j], 1) end
  redis.call('EXPIREAT', k, (d + 3) * 86400)
end
local len = tonumber(ARGV[4]) - tonumber(ARGV[3])
if len > tonumber(redis.call('GET', B .. 'maxlen') or '0') then
  redis.call('SET', B .. 'maxlen', len)
end
return 1
