-- Which volunteers may take a period? One call answers it.
--
-- KEYS[1]  the key naming the current generation
-- ARGV     prefix, start, end (unix seconds);
--          the time zones the caller knows: their count, then zone and class
--          pairs (checked against the generation's G:zones);
--          the groups of weekly bitmaps: their count, then per group the
--          weekly keys the period touches ("u:40,u:41" or
--          "w:Europe/Berlin:1:40,…") and its zones: their count, then per
--          zone its name and local dates: their count, then per date the day
--          number, the local slots needed ("a-b,c-d", b exclusive) and that
--          date's weekly keys;
--          the required skills: their count, then their lower-case names.
-- Returns {'ok', bitmap} (bit n set: volunteer n may take it), {'notready'}
-- when there is no generation, or {'zones', zone, class, …} when the
-- caller's zones are not the generation's (it then retries with these).
local gen = redis.call('GET', KEYS[1])
if not gen then return {'notready'} end
local P = ARGV[1]
local B = P .. ':' .. gen .. ':'
local S, E = tonumber(ARGV[2]), tonumber(ARGV[3])
local i = 4

local function mismatch()
  local r = redis.call('HGETALL', B .. 'zones')
  table.insert(r, 1, 'zones')
  return r
end
local nz = tonumber(ARGV[i]); i = i + 1
if redis.call('HLEN', B .. 'zones') ~= nz then return mismatch() end
for _ = 1, nz do
  if redis.call('HGET', B .. 'zones', ARGV[i]) ~= ARGV[i + 1] then return mismatch() end
  i = i + 2
end

local function keys(list)
  local t = {}
  for k in string.gmatch(list, '[^,]+') do t[#t + 1] = B .. k end
  return t
end

-- covers reports whether free slots, encoded as a byte pair per range
-- (slot + 32: start, end), contain every needed range {a, b}.
local function covers(free, need)
  for _, r in ipairs(need) do
    local ok = false
    for j = 1, #free - 1, 2 do
      local a, b = string.byte(free, j, j + 1)
      if a - 32 <= r[1] and r[2] <= b - 32 then ok = true; break end
    end
    if not ok then return false end
  end
  return true
end

local acc, tmp = P .. ':tmp:acc', P .. ':tmp:x'
local temps = {acc, tmp}
redis.call('DEL', acc)
local ng = tonumber(ARGV[i]); i = i + 1
for g = 1, ng do
  -- Free by the weekly windows: the AND of the period's slots.
  local r = P .. ':tmp:g' .. g
  temps[#temps + 1] = r
  redis.call('BITOP', 'AND', r, unpack(keys(ARGV[i]))); i = i + 1
  local nzg = tonumber(ARGV[i]); i = i + 1
  for z = 1, nzg do
    local tz, nd = ARGV[i], tonumber(ARGV[i + 1]); i = i + 2
    local days, any = {}, false
    for d = 1, nd do
      local day = {n = ARGV[i], need = {}, keys = ARGV[i + 2]}
      for a, b in string.gmatch(ARGV[i + 1], '(%d+)-(%d+)') do
        day.need[#day.need + 1] = {tonumber(a), tonumber(b)}
      end
      i = i + 3
      day.xo = B .. 'xo:' .. tz .. ':' .. day.n
      day.has = redis.call('EXISTS', day.xo) == 1
      any = any or day.has
      days[d] = day
    end
    if any then
      -- An exception replaces the weekly windows of its date: clear every
      -- volunteer with one (A AND NOT X is A XOR (A AND X): BITOP NOT would
      -- pad X to whole bytes of ones) …
      for _, day in ipairs(days) do
        if day.has then
          redis.call('BITOP', 'AND', tmp, r, day.xo)
          redis.call('BITOP', 'XOR', r, r, tmp)
          day.part = {}
          local h = redis.call('HGETALL', B .. 'x:' .. tz .. ':' .. day.n)
          for j = 1, #h, 2 do day.part[h[j]] = h[j + 1] end
        end
      end
      -- … and put back those whose exception leaves them free (whole days
      -- off are in the bitmap only, so these are few).
      local seen = {}
      for _, day in ipairs(days) do
        for v in pairs(day.part or {}) do
          if not seen[v] then
            seen[v] = true
            local ok = true
            for d2, other in ipairs(days) do
              local free = other.part and other.part[v]
              if free then
                ok = covers(free, other.need)
              elseif other.has and redis.call('GETBIT', other.xo, v) == 1 then
                ok = false
              else
                if not other.weekly then
                  other.weekly = P .. ':tmp:w' .. g .. ':' .. z .. ':' .. d2
                  temps[#temps + 1] = other.weekly
                  redis.call('BITOP', 'AND', other.weekly, unpack(keys(other.keys)))
                end
                ok = redis.call('GETBIT', other.weekly, v) == 1
              end
              if not ok then break end
            end
            if ok then redis.call('SETBIT', r, v, 1) end
          end
        end
      end
    end
  end
  redis.call('BITOP', 'OR', acc, acc, r)
end

-- Eligible: ACTIVE and holding every skill.
local ks = {acc, B .. 'active'}
local nsk = tonumber(ARGV[i]); i = i + 1
for _ = 1, nsk do ks[#ks + 1] = B .. 's:' .. ARGV[i]; i = i + 1 end
redis.call('BITOP', 'AND', acc, unpack(ks))

-- Not busy: no active assignment in a shift that overlaps [S, E). Shifts
-- are scored by start; one that overlaps starts after S - maxlen.
if redis.call('BITCOUNT', acc) > 0 then
  local maxlen = tonumber(redis.call('GET', B .. 'maxlen') or '0')
  local sets = {}
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', B .. 'z', '(' .. (S - maxlen), '(' .. E)) do
    local id, stop = string.match(m, '^(%d+):(%d+)$')
    if id and tonumber(stop) > S then sets[#sets + 1] = B .. 'a:' .. id end
  end
  if #sets > 0 then
    local busy = {}
    for _, v in ipairs(redis.call('SUNION', unpack(sets))) do busy[v] = true end
    -- Clearing every busy volunteer would cost a call each; only the
    -- candidates who have a shift at all on the period's UTC days (a
    -- bitmap per day, a superset) need looking at: a handful.
    local days = {}
    for d = math.floor(S / 86400), math.floor((E - 1) / 86400) do days[#days + 1] = B .. 'bd:' .. d end
    redis.call('BITOP', 'OR', tmp, unpack(days))
    redis.call('BITOP', 'AND', tmp, tmp, acc)
    local pos = redis.call('BITPOS', tmp, 1)
    while pos >= 0 do
      if busy[tostring(pos)] then redis.call('SETBIT', acc, pos, 0) end
      redis.call('SETBIT', tmp, pos, 0)
      pos = redis.call('BITPOS', tmp, 1, math.floor(pos / 8))
    end
  end
end

local out = redis.call('GET', acc) or ''
redis.call('DEL', unpack(temps))
return {'ok', out}
