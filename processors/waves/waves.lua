-- The wave plan over Redis: exactly the rules of core.ts (addShipment, releaseDue), atomically.
--
-- ARGV[1] key prefix (a {hash tag}); ARGV[2] operation:
--   'add'     ARGV[3] maxSize, ARGV[4] TTL ms of the seen marks,
--             ARGV[5] JSON [[shipmentId, base, releaseAt, releaseWhenFull, memberJson]]
--             returns JSON [waveId] (for a shipment seen before: its wave)
--   'release' ARGV[3] now (ms), ARGV[4] limit   returns the number of waves released
--
-- Keys: s:<shipmentId> → waveId (seen)   gen  hash base → generation   base  hash waveId → base
--       w:<waveId> hash shipmentId → member JSON   due  zset waveId → due time   out  zset waveId → release time
local P = ARGV[1]
local op = ARGV[2]
local GEN, BASE, DUE, OUT = P .. 'gen', P .. 'base', P .. 'due', P .. 'out'

local function wave_id(base, gen)
  if gen <= 1 then return base end
  return base .. '#' .. gen
end

if op == 'add' then
  local max_size = tonumber(ARGV[3])
  local ttl = tonumber(ARGV[4])
  local items = cjson.decode(ARGV[5])
  local result = {}
  for i, it in ipairs(items) do
    local id, base, release_at, when_full, member = it[1], it[2], it[3], it[4], it[5]
    local prior = redis.call('GET', P .. 's:' .. id)
    if prior then
      result[i] = prior
    else
      local gen = tonumber(redis.call('HGET', GEN, base) or '1')
      local wid = wave_id(base, gen)
      local wkey = P .. 'w:' .. wid
      redis.call('HSET', wkey, id, member)
      redis.call('SET', P .. 's:' .. id, wid, 'PX', ttl)
      redis.call('HSETNX', BASE, wid, base)
      redis.call('ZADD', DUE, 'NX', release_at, wid)
      if redis.call('HLEN', wkey) >= max_size then
        redis.call('HSET', GEN, base, gen + 1)
        local due = tonumber(redis.call('ZSCORE', DUE, wid))
        if when_full < due then redis.call('ZADD', DUE, when_full, wid) end
      end
      result[i] = wid
    end
  end
  return cjson.encode(result)
end

if op == 'release' then
  local now = tonumber(ARGV[3])
  local ids = redis.call('ZRANGEBYSCORE', DUE, '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
  for _, wid in ipairs(ids) do
    redis.call('ZREM', DUE, wid)
    redis.call('ZADD', OUT, 'NX', now, wid)
    local base = redis.call('HGET', BASE, wid)
    if base then
      local gen = tonumber(redis.call('HGET', GEN, base) or '1')
      if wave_id(base, gen) == wid then redis.call('HSET', GEN, base, gen + 1) end
      redis.call('HDEL', BASE, wid)
    end
  end
  return #ids
end

return redis.error_reply('unknown operation ' .. tostring(op))
