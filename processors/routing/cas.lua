-- Compare-and-set of per-order join states: the rules run in TypeScript (core.ts), Redis only
-- checks that nobody changed a state since it was read. Each state is written only if its version
-- is still the one read; the others are returned so the shell re-reads and re-applies them.
--
-- ARGV[1] key prefix; ARGV[2] TTL ms; ARGV[3] JSON array of [orderKey, expectedVersion, stateJson]
-- returns JSON array of the orderKeys that conflicted (nothing written for them)
local P = ARGV[1]
local ttl = tonumber(ARGV[2])
local writes = cjson.decode(ARGV[3])
local conflicts = {}
for _, w in ipairs(writes) do
  local key = P .. 'o:' .. w[1]
  local current = tonumber(redis.call('HGET', key, 'v') or '0')
  if current == w[2] then
    redis.call('HSET', key, 'v', current + 1, 's', w[3])
    redis.call('PEXPIRE', key, ttl)
  else
    conflicts[#conflicts + 1] = w[1]
  end
end
if #conflicts == 0 then return '[]' end
return cjson.encode(conflicts)
