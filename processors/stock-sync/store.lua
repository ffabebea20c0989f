-- Stock sync's atomic steps, one function per ARGV[1]. Keys are built from ARGV[2] (the store's
-- prefix, with the namespace hash tag), so every key of a namespace shares a slot.
-- Every applied change increments <p>gen: a target computed from a snapshot taken at gen g is
-- only stored if no target of the listing was stored from a later snapshot.
local op, p = ARGV[1], ARGV[2]

if op == 'level' then
  -- level sku warehouse available version: applied only if newer (a redelivery changes nothing)
  local sku, wh, avail, ver = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
  local seen = tonumber(redis.call('HGET', p .. 'lvv:' .. sku, wh) or '-1')
  if ver <= seen then return 0 end
  redis.call('HSET', p .. 'lvv:' .. sku, wh, ver)
  redis.call('HSET', p .. 'lv:' .. sku, wh, avail)
  redis.call('INCR', p .. 'gen')
  return 1
end

if op == 'count' then
  -- count orderKey listingKey quantity ttlMs: the channel took `quantity` off the listing for this order (once)
  local ok = redis.call('HSETNX', p .. 'counted:' .. ARGV[3], ARGV[4], ARGV[5])
  redis.call('PEXPIRE', p .. 'counted:' .. ARGV[3], ARGV[6])
  if ok == 0 then return 0 end
  redis.call('INCRBY', p .. 'sold:' .. ARGV[4], ARGV[5])
  redis.call('INCR', p .. 'gen')
  return 1
end

if op == 'uncount' then
  -- uncount orderKey: a cancelled order gives its units back to the listings it was counted on (once); returns those listings
  local key = p .. 'counted:' .. ARGV[3]
  if redis.call('HEXISTS', key, '~cancelled') == 1 then return {} end
  local fields = redis.call('HGETALL', key)
  local touched = {}
  for i = 1, #fields, 2 do
    redis.call('DECRBY', p .. 'sold:' .. fields[i], fields[i + 1])
    touched[#touched + 1] = fields[i]
  end
  if #touched > 0 then
    redis.call('HSET', key, '~cancelled', '1')
    redis.call('INCR', p .. 'gen')
  end
  return touched
end

if op == 'target' then
  -- target listingKey gen target hubSold computedAt → {seq, published, previousTarget, changed}; {-1} when a later snapshot was stored
  local key = p .. 't:' .. ARGV[3]
  local gen, target, sold = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
  local cur = redis.call('HMGET', key, 'gen', 'target', 'sold', 'seq', 'published')
  local curGen = tonumber(cur[1] or '-1')
  if gen < curGen then return { -1, 0, 0, 0 } end
  local seq, published = tonumber(cur[4] or '0'), tonumber(cur[5] or '0')
  local previous = tonumber(cur[2] or '-1')
  if previous == target and tonumber(cur[3] or '-1') == sold then
    redis.call('HSET', key, 'gen', gen)
    return { seq, published, previous, 0 }
  end
  seq = seq + 1
  redis.call('HSET', key, 'gen', gen, 'target', target, 'sold', sold, 'seq', seq, 'at', ARGV[7])
  return { seq, published, previous, 1 }
end

if op == 'published' then
  -- published listingKey seq: the target with this seq is on the topic
  local key = p .. 't:' .. ARGV[3]
  local cur = tonumber(redis.call('HGET', key, 'published') or '0')
  if tonumber(ARGV[4]) > cur then redis.call('HSET', key, 'published', ARGV[4]) end
  return 1
end

return redis.error_reply('stock-sync: unknown op ' .. tostring(op))
