-- Claims an order's new outputs atomically, if the facts are still the ones they were computed from.
-- ARGV: prefix, orderKey, factCount, deadline ('' = none), ttlSeconds, logKey (today's log bucket),
--   logTtlSeconds, then per output 6 values:
--   id, record (kept per order, and in the log for divergence events), outbox entry (what to publish),
--   isDivergence ('1'/'0'), openOp ('+' opens, '-' closes, '' neither), openValue ('type|channel')
-- Returns -1 when another writer added facts meanwhile (re-evaluate), else the claimed ids.
local prefix, orderKey = ARGV[1], ARGV[2]
if redis.call('HLEN', prefix .. 'f:' .. orderKey) ~= tonumber(ARGV[3]) then return -1 end
local emitted = prefix .. 'e:' .. orderKey
local claimed = {}
local logged = false
for i = 8, #ARGV, 6 do
  local id = ARGV[i]
  if redis.call('HSETNX', emitted, id, ARGV[i + 1]) == 1 then
    redis.call('HSET', prefix .. 'outbox', id, ARGV[i + 2])
    if ARGV[i + 3] == '1' then
      redis.call('HSET', ARGV[6], id, ARGV[i + 1])
      logged = true
      -- the divergence id is the event id without its ':STATE' suffix
      local divergenceId = string.match(id, '^(.*):[A-Z]+$')
      if ARGV[i + 4] == '+' then redis.call('HSET', prefix .. 'open', divergenceId, ARGV[i + 5]) end
      if ARGV[i + 4] == '-' then redis.call('HDEL', prefix .. 'open', divergenceId) end
    end
    claimed[#claimed + 1] = id
  end
end
if #claimed > 0 then redis.call('EXPIRE', emitted, ARGV[5]) end
if logged then redis.call('EXPIRE', ARGV[6], ARGV[7]) end
if ARGV[4] == '' then redis.call('ZREM', prefix .. 'due', orderKey) else redis.call('ZADD', prefix .. 'due', ARGV[4], orderKey) end
return claimed
