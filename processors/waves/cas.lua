-- Compare-and-set of wave plans, one versioned document per wave base: the rules run in
-- TypeScript (core.ts), Redis only checks that nobody changed a plan since it was read, and that
-- none of the shipments joining it was placed meanwhile (a redelivery seen later, when the clock
-- had moved, may be placed under another base). A write that passes lands whole: plan, due index,
-- members, seen marks, outbox. The others are returned so the shell re-reads and re-applies them.
--
-- ARGV[1] key prefix; ARGV[2] TTL ms of the seen marks;
-- ARGV[3] JSON array of [base, expectedVersion, planJson, nextDue (-1: none),
--         [[shipmentId, waveId, memberJson]] joined, [[waveId, releasedAt]] released]
-- returns JSON array of the bases that conflicted (nothing written for them)
--
-- Keys: b:<base> hash v s (version, plan)   due zset base → next due time
--       w:<waveId> hash shipmentId → member   s:<shipmentId> → waveId   out zset waveId → release time
local P = ARGV[1]
local ttl = tonumber(ARGV[2])
local writes = cjson.decode(ARGV[3])
local conflicts = {}
for _, w in ipairs(writes) do
  local key = P .. 'b:' .. w[1]
  local current = tonumber(redis.call('HGET', key, 'v') or '0')
  local ok = current == w[2]
  for _, j in ipairs(w[5]) do
    if not ok then break end
    ok = redis.call('EXISTS', P .. 's:' .. j[1]) == 0
  end
  if ok then
    redis.call('HSET', key, 'v', current + 1, 's', w[3])
    for _, j in ipairs(w[5]) do
      redis.call('HSET', P .. 'w:' .. j[2], j[1], j[3])
      redis.call('SET', P .. 's:' .. j[1], j[2], 'PX', ttl)
    end
    for _, r in ipairs(w[6]) do redis.call('ZADD', P .. 'out', 'NX', r[2], r[1]) end
    if w[4] < 0 then redis.call('ZREM', P .. 'due', w[1]) else redis.call('ZADD', P .. 'due', w[4], w[1]) end
  else
    conflicts[#conflicts + 1] = w[1]
  end
end
if #conflicts == 0 then return '[]' end
return cjson.encode(conflicts)
