-- The push sink's state: what each listing should show (want), what the platform last applied
-- (done), and per shop the listings still to push (pending, sell-outs first). ARGV[1] op, ARGV[2] prefix.
local op, p = ARGV[1], ARGV[2]

if op == 'want' then
  -- want listingKey shopKey seq score fields-json: kept only if newer; pending scored by the lower (earlier / sell-out) score
  local key = p .. 'want:' .. ARGV[3]
  local seq = tonumber(ARGV[5])
  if seq <= tonumber(redis.call('HGET', key, 'seq') or '0') then return 0 end
  local fields = cjson.decode(ARGV[7])
  for k, v in pairs(fields) do redis.call('HSET', key, k, tostring(v)) end
  redis.call('HSET', key, 'seq', seq)
  local pending = p .. 'pending:' .. ARGV[4]
  local cur = redis.call('ZSCORE', pending, ARGV[3])
  if (not cur) or tonumber(ARGV[6]) < tonumber(cur) then redis.call('ZADD', pending, ARGV[6], ARGV[3]) end
  redis.call('SADD', p .. 'shops', ARGV[4])
  return 1
end

if op == 'done' then
  -- done listingKey shopKey seq target hubSold: the platform applied the want with this seq; settled if no newer want came
  local key = p .. 'done:' .. ARGV[3]
  redis.call('HSET', key, 'seq', ARGV[5], 'target', ARGV[6], 'sold', ARGV[7], 'baselined', '1')
  local wantSeq = tonumber(redis.call('HGET', p .. 'want:' .. ARGV[3], 'seq') or '0')
  if wantSeq <= tonumber(ARGV[5]) then redis.call('ZREM', p .. 'pending:' .. ARGV[4], ARGV[3]) end
  return 1
end

if op == 'giveup' then
  -- giveup listingKey shopKey seq: this want failed for good; settled unless a newer one came
  local wantSeq = tonumber(redis.call('HGET', p .. 'want:' .. ARGV[3], 'seq') or '0')
  redis.call('HSET', p .. 'done:' .. ARGV[3], 'failedSeq', ARGV[5])
  if wantSeq <= tonumber(ARGV[5]) then redis.call('ZREM', p .. 'pending:' .. ARGV[4], ARGV[3]) end
  return 1
end

return redis.error_reply('stock-push: unknown op ' .. tostring(op))
