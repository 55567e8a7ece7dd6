-- Rewrites one volunteer's entries in the current generation.
--
-- KEYS[1] the generation key, KEYS[2] the rebuild lock, KEYS[3] the set of
-- updates made during a rebuild.
-- ARGV    prefix, id, record bucket, record, the class of the record's zone
--         as the caller sees it, active (0/1), the default zone, then counted
--         lists: skills (lower case); exceptions as triples of local day
--         number, free slots (a byte pair per range, slot + 32; "" for none)
--         and the unix time the entries may expire.
-- The record, "tz|weekdays:a-b,…|day,…" ("" when the volunteer has no
-- availability; tz "" for the default zone), lists the volunteer's weekly
-- slots in local time and exception days: the next update reads it to clear
-- these entries, and this one writes the weekly bits from it.
-- Returns 1, or 0 when there is no generation to update.
local id = ARGV[2]
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('SADD', KEYS[3], 'v' .. id) end
local gen = redis.call('GET', KEYS[1])
if not gen then return 0 end
local B = ARGV[1] .. ':' .. gen .. ':'
local n = tonumber(id)
local bucket = B .. 'v:' .. ARGV[3]
local default = ARGV[7]

local function zone(record)
  local tz = string.match(record, '^([^|]*)|')
  if tz == '' then return default end
  return tz
end

-- The weekly key of local slot s of weekday wd: zones with one offset all
-- year share bitmaps in UTC ("f<minutes>"), others have their own ("d").
local function weekly(class, tz, wd, s)
  if string.sub(class, 1, 1) == 'f' then
    local off = tonumber(string.sub(class, 2)) / 15
    return B .. 'u:' .. (((wd - 1) * 96 + s - off) % 672)
  end
  return B .. 'w:' .. tz .. ':' .. wd .. ':' .. s
end

local function setWeekly(record, class, bit)
  local tz = zone(record)
  local slots = string.match(record, '^[^|]*|([^|]*)|')
  for wds, a, b in string.gmatch(slots, '(%d+):(%d+)-(%d+)') do
    for wd in string.gmatch(wds, '%d') do
      for s = tonumber(a), tonumber(b) - 1 do
        redis.call('SETBIT', weekly(class, tz, tonumber(wd), s), n, bit)
      end
    end
  end
end

-- Clear the old entries, as the volunteer's record lists them.
local old = redis.call('HGET', bucket, id)
if old then
  local tz = zone(old)
  setWeekly(old, redis.call('HGET', B .. 'zones', tz) or 'd', 0)
  for d in string.gmatch(string.match(old, '|([^|]*)$'), '[^,]+') do
    local x = tz .. ':' .. d
    redis.call('SETBIT', B .. 'xo:' .. x, n, 0)
    redis.call('HDEL', B .. 'x:' .. x, id)
  end
end
for _, sk in ipairs(redis.call('SMEMBERS', B .. 'skills')) do
  local k = B .. 's:' .. sk
  if redis.call('GETBIT', k, n) == 1 then redis.call('SETBIT', k, n, 0) end
end

-- Write the new ones.
local record = ARGV[4]
local tz = default
if record ~= '' then
  tz = zone(record)
  -- The generation keeps the class it first saw for a zone.
  local class = redis.call('HGET', B .. 'zones', tz)
  if not class then
    class = ARGV[5]
    redis.call('HSET', B .. 'zones', tz, class)
  end
  setWeekly(record, class, 1)
  redis.call('HSET', bucket, id, record)
  if tonumber(ARGV[3]) > tonumber(redis.call('GET', B .. 'vmax') or '-1') then
    redis.call('SET', B .. 'vmax', ARGV[3])
  end
elseif old then
  redis.call('HDEL', bucket, id)
end
if ARGV[6] == '1' or redis.call('GETBIT', B .. 'active', n) == 1 then
  redis.call('SETBIT', B .. 'active', n, tonumber(ARGV[6]))
end
local i = 8
local nsk = tonumber(ARGV[i]); i = i + 1
for _ = 1, nsk do
  redis.call('SADD', B .. 'skills', ARGV[i])
  redis.call('SETBIT', B .. 's:' .. ARGV[i], n, 1)
  i = i + 1
end
local nx = tonumber(ARGV[i]); i = i + 1
for _ = 1, nx do
  local x, at = tz .. ':' .. ARGV[i], ARGV[i + 2]
  redis.call('SETBIT', B .. 'xo:' .. x, n, 1)
  redis.call('EXPIREAT', B .. 'xo:' .. x, at)
  if ARGV[i + 1] ~= '' then
    redis.call('HSET', B .. 'x:' .. x, id, ARGV[i + 1])
    redis.call('EXPIREAT', B .. 'x:' .. x, at)
  end
  redis.call('SADD', B .. 'xkeys', x)
  i = i + 3
end
return 1
