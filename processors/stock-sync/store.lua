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

-- An order's lines by listing (from the order event) meet the SKUs inventory holds for it (from its
-- LOCKED / RESERVED decisions), in either order; each line is counted once, when both are known. A
-- line inventory rejected is never counted: the channel took the unit, but no target fell for it.
local function attribute(orderKey, ttl)
  local pend, acc, counted = p .. 'pend:' .. orderKey, p .. 'acc:' .. orderKey, p .. 'counted:' .. orderKey
  if redis.call('HEXISTS', counted, '~cancelled') == 1 then return {} end
  local touched = {}
  local lines = redis.call('HGETALL', pend)
  for i = 1, #lines, 2 do
    local listing, spec = lines[i], lines[i + 1]
    local bar = string.find(spec, '|', 1, true)
    local sku, qty = string.sub(spec, 1, bar - 1), string.sub(spec, bar + 1)
    if redis.call('SISMEMBER', acc, sku) == 1 and redis.call('HSETNX', counted, listing, qty) == 1 then
      redis.call('INCRBY', p .. 'sold:' .. listing, qty)
      touched[#touched + 1] = listing
    end
  end
  if #touched > 0 then
    redis.call('PEXPIRE', counted, ttl)
    redis.call('INCR', p .. 'gen')
  end
  return touched
end

if op == 'acceptMany' then
  -- acceptMany ttlMs [orderKey sku]...: accept for many decisions in one call; returns the listings now counted
  local touched = {}
  for i = 4, #ARGV, 2 do
    redis.call('SADD', p .. 'acc:' .. ARGV[i], ARGV[i + 1])
    redis.call('PEXPIRE', p .. 'acc:' .. ARGV[i], ARGV[3])
    for _, l in ipairs(attribute(ARGV[i], ARGV[3])) do touched[#touched + 1] = l end
  end
  return touched
end

if op == 'linesMany' then
  -- linesMany ttlMs [orderKey n (listingKey sku qty)×n]...: lines of many orders in one call; returns the listings now counted
  local touched = {}
  local i = 4
  while i <= #ARGV do
    local orderKey, n = ARGV[i], tonumber(ARGV[i + 1])
    local pend = p .. 'pend:' .. orderKey
    for j = 0, n - 1 do
      local at = i + 2 + j * 3
      redis.call('HSETNX', pend, ARGV[at], ARGV[at + 1] .. '|' .. ARGV[at + 2])
    end
    if n > 0 then redis.call('PEXPIRE', pend, ARGV[3]) end
    for _, l in ipairs(attribute(orderKey, ARGV[3])) do touched[#touched + 1] = l end
    i = i + 2 + n * 3
  end
  return touched
end

if op == 'unfillableMany' then
  -- unfillableMany ttlMs (orderKey fact value)...: fact is 'rejected' (inventory could not fill it; value: why) or
  -- 'paid' (the buyer paid); returns orderKey, why... for the orders of which both are known and that are not yet
  -- reported (reportedMany): paid orders the hub cannot fill. Until reported, a redelivered batch returns them
  -- again, so a crash before publishing loses none.
  local out, seen = {}, {}
  for i = 4, #ARGV, 3 do
    local key = p .. 'uf:' .. ARGV[i]
    redis.call('HSET', key, ARGV[i + 1], ARGV[i + 2])
    redis.call('PEXPIRE', key, ARGV[3])
    if not seen[ARGV[i]] and redis.call('HEXISTS', key, 'rejected') == 1 and redis.call('HEXISTS', key, 'paid') == 1
      and redis.call('HEXISTS', key, 'reported') == 0 then
      seen[ARGV[i]] = true
      out[#out + 1] = ARGV[i]
      out[#out + 1] = redis.call('HGET', key, 'rejected')
    end
  end
  return out
end

if op == 'reportedMany' then
  -- reportedMany orderKey...: their exceptions are on the topic
  for i = 3, #ARGV do redis.call('HSET', p .. 'uf:' .. ARGV[i], 'reported', '1') end
  return #ARGV - 2
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
