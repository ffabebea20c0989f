-- Applies a batch of inventory commands atomically. The rules are exactly those of core.ts (the
-- specification); lua-equivalence.spec.ts feeds both the same random streams. One call per batch:
-- the whole batch is one atomic step, and a command seen before returns its original decisions.
-- Reasons are codes with parameters, as in core.ts (see Reason in decision.ts, which renders them).
--
-- ARGV[1] key prefix (a {hash tag}, so every key lives in one cluster slot)
-- ARGV[2] JSON array of commands (see commands.ts)
-- returns JSON array of { id, replayed, decisions }
--
-- Keys:  s:<sku>@<wh>  hash p l r s q t a v  (physical locked reserved safety presaleQuota threshold alerted version)
--        h:<orderKey>  hash st ps ln mt e:<cmdId>   (hold state, presale, lines [[sku,q,wh]], meta, decisions)
--        m:<id>        applied movement → decisions;  timers  zset orderKey → expiry (ms)
local P = ARGV[1]
local cmds = cjson.decode(ARGV[2])
local DEFAULT_THRESHOLD = 10
local TIMERS = P .. 'timers'

local cache = {}   -- stock levels read once per batch, written back at the end
local function levels(sku, wh)
  local k = P .. 's:' .. sku .. '@' .. wh
  local s = cache[k]
  if s == nil then
    local v = redis.call('HMGET', k, 'p', 'l', 'r', 's', 'q', 't', 'a', 'v')
    s = { p = tonumber(v[1]) or 0, l = tonumber(v[2]) or 0, r = tonumber(v[3]) or 0, s = tonumber(v[4]) or 0,
          q = tonumber(v[5]) or 0, t = tonumber(v[6]) or DEFAULT_THRESHOLD, a = tonumber(v[7]) or 0,
          v = tonumber(v[8]) or 0, dirty = false, sku = sku, wh = wh }
    cache[k] = s
  end
  return s
end
local function available(s) return s.p - s.l - s.r - s.s - s.q end

-- positional, to keep the JSON small and cheap to write: see DECISION_FIELDS in store.ts
local function decision(kind, sku, wh, q, reason, s)
  return { kind, sku, wh, q, reason or cjson.null, s.p, s.l, s.r, s.s, s.q, s.v }
end

-- per-command scratch
local out, touched, touched_set
local function begin_command() out = {}; touched = {}; touched_set = {} end

local function change(kind, sku, wh, q, fn, reason)
  local s = levels(sku, wh)
  fn(s, q)
  s.v = s.v + 1
  s.dirty = true
  if not touched_set[s] then touched_set[s] = true; touched[#touched + 1] = s end
  out[#out + 1] = decision(kind, sku, wh, q, reason, s)
end
local function reject(sku, wh, q, reason) out[#out + 1] = decision('REJECTED', sku, wh, q, reason, levels(sku, wh)) end

local function check_low_stock()
  for _, s in ipairs(touched) do
    local a = available(s)
    if a <= s.t and s.a == 0 then
      s.a = 1; s.dirty = true
      out[#out + 1] = decision('LOW_STOCK', s.sku, s.wh, a, { 'low-stock', a, s.t }, s)
    elseif a > s.t and s.a == 1 then
      s.a = 0; s.dirty = true
    end
  end
end

local function lock(presale) return function(s, q) if presale then s.q = s.q - q end; s.l = s.l + q end end
local function reserve(s, q) s.l = s.l - q; s.r = s.r + q end
local function ship(s, q) s.r = s.r - q; s.p = math.max(0, s.p - q) end
local function release_locked(presale) return function(s, q) s.l = s.l - q; if presale then s.q = s.q + q end end end
local function release_reserved(presale) return function(s, q) s.r = s.r - q; if presale then s.q = s.q + q end end end

local UNPAID_TIMEOUT = { 'unpaid-timeout' }

-- an open hold { st, presale, lines } moved towards target; returns the state reached
local function move_hold(hold, target)
  local st = hold.st
  local function each(kind, fn, reason)
    for _, line in ipairs(hold.lines) do change(kind, line[1], line[3], line[2], fn, reason) end
  end
  if target == 'RELEASED' or (target == 'EXPIRED' and st == 'LOCKED') then
    local reason = nil
    if target == 'EXPIRED' then reason = UNPAID_TIMEOUT end
    if st == 'LOCKED' then each('RELEASED', release_locked(hold.presale), reason)
    else each('RELEASED', release_reserved(hold.presale), reason) end
    return 'RELEASED'
  end
  if st == 'LOCKED' and (target == 'RESERVED' or target == 'SHIPPED') then
    each('RESERVED', reserve); st = 'RESERVED'
  end
  if target == 'SHIPPED' then each('SHIPPED', ship); st = 'SHIPPED' end
  return st
end

local function is_positive_integer(q) return q > 0 and q == math.floor(q) end

local function invalid_lines_reason(lines)
  for _, line in ipairs(lines) do
    if not is_positive_integer(line[2]) then return { 'invalid-quantity', line[1], line[2] } end
  end
  return nil
end

local function capacity(cmd, s) if cmd.presale then return s.q end; return available(s) end

local function shortage_reason(cmd)
  local first = cmd.warehouses[1]
  if first == nil then return { 'no-warehouse' } end
  local short = {}
  for _, line in ipairs(cmd.lines) do
    local a = math.max(0, capacity(cmd, levels(line[1], first)))
    if a < line[2] then short[#short + 1] = { line[1], line[2], a } end
  end
  return { 'short', first, cmd.presale, #cmd.warehouses, short }
end

-- a first-seen order: returns the new hold { st, presale, lines, meta }
local function allocate(cmd, target)
  local function fits(sku, q, wh) return capacity(cmd, levels(sku, wh)) >= q end
  local invalid = invalid_lines_reason(cmd.lines)
  local held = nil
  if not invalid then
    for _, wh in ipairs(cmd.warehouses) do
      local all = true
      for _, line in ipairs(cmd.lines) do if not fits(line[1], line[2], wh) then all = false; break end end
      if all then
        held = {}
        for i, line in ipairs(cmd.lines) do held[i] = { line[1], line[2], wh } end
        break
      end
    end
    if held == nil and cmd.split == 'by-line' then
      local per = {}
      for i, line in ipairs(cmd.lines) do
        for _, wh in ipairs(cmd.warehouses) do
          if fits(line[1], line[2], wh) then per[i] = { line[1], line[2], wh }; break end
        end
        if per[i] == nil then per = nil; break end
      end
      held = per
    end
  end
  if held == nil then
    local reason = invalid or shortage_reason(cmd)
    local wh = cmd.warehouses[1] or ''
    for _, line in ipairs(cmd.lines) do reject(line[1], wh, line[2], reason) end
    return { st = 'REJECTED', presale = cmd.presale, lines = {}, meta = cmd.meta }
  end
  for _, line in ipairs(held) do change('LOCKED', line[1], line[3], line[2], lock(cmd.presale)) end
  local hold = { st = 'LOCKED', presale = cmd.presale, lines = held, meta = cmd.meta }
  if target ~= 'LOCKED' then hold.st = move_hold(hold, target) end
  if hold.st == 'LOCKED' and cmd.expiresAt > 0 then redis.call('ZADD', TIMERS, cmd.expiresAt, cmd.orderKey) end
  return hold
end

-- h = HMGET st ps ln pt …
local function hold_of(h)
  if not h[1] then return nil end
  local lines = {}
  if h[3] then lines = cjson.decode(h[3]) end
  return { st = h[1], presale = h[2] == '1', lines = lines, pending = h[4] }
end
local function read_hold(hk) return hold_of(redis.call('HMGET', hk, 'st', 'ps', 'ln', 'pt')) end

local TARGET_RANK = { LOCKED = 1, RESERVED = 2, SHIPPED = 3 }
local function further(a, b) if a ~= nil and TARGET_RANK[a] > TARGET_RANK[b] then return a end; return b end

-- a result as JSON text: stored decisions are passed through as they are, never decoded again
local function result(cmd, replayed, decisions_json)
  return '{"id":' .. cjson.encode(cmd.id) .. ',"replayed":' .. tostring(replayed) .. ',"decisions":' .. decisions_json .. '}'
end

local function encode_lines(lines) if #lines == 0 then return '[]' end; return cjson.encode(lines) end
local function encode_out() if #out == 0 then return '[]' end; return cjson.encode(out) end

local function apply_order(cmd)
  local hk = P .. 'h:' .. cmd.orderKey
  -- one round trip: the hold and whether this command was applied to it before
  local h = redis.call('HMGET', hk, 'st', 'ps', 'ln', 'pt', 'e:' .. cmd.id)
  if h[5] then return result(cmd, true, h[5]) end
  begin_command()
  local hold = hold_of(h)
  local next_hold = hold
  local created = false
  if cmd.target == 'NONE' then
    -- nothing to do for stock
  elseif hold == nil or hold.st == 'PENDING' then
    if cmd.target == 'RELEASED' then
      next_hold = { st = 'RELEASED', presale = cmd.presale, lines = {}, meta = cmd.meta }; created = true
    elseif cmd.target ~= 'EXPIRED' then
      -- a status without contents (STATUS_ONLY) cannot be allocated: remember how far the order
      -- got (PENDING), and allocate that far once its contents arrive
      local want = further(hold and hold.pending, cmd.target)
      if #cmd.lines > 0 then
        next_hold = allocate(cmd, want)
      else
        next_hold = { st = 'PENDING', pending = want, presale = cmd.presale, lines = {}, meta = cmd.meta }
      end
      created = true
    end
  elseif cmd.target == 'EXPIRED' and not redis.call('ZSCORE', TIMERS, cmd.orderKey) then
    -- only a lock with a timer can expire (an expiry is the timer's own command, never a channel's)
  elseif hold.st == 'LOCKED' or hold.st == 'RESERVED' then
    next_hold.st = move_hold(hold, cmd.target)
    -- an expiry's own timer stays until the shell has published the release (see core.ts)
    if next_hold.st ~= 'LOCKED' and cmd.target ~= 'EXPIRED' then redis.call('ZREM', TIMERS, cmd.orderKey) end
  end
  check_low_stock()
  local encoded = encode_out()
  if next_hold ~= nil then
    local ps = '0'
    if next_hold.presale then ps = '1' end
    if created and next_hold.st == 'PENDING' then
      redis.call('HSET', hk, 'st', next_hold.st, 'pt', next_hold.pending, 'e:' .. cmd.id, encoded)
    elseif created and #next_hold.lines == 0 then
      -- rejected or cancelled before seen: nothing is held, so only the state and the decisions
      redis.call('HSET', hk, 'st', next_hold.st, 'e:' .. cmd.id, encoded)
    elseif created and next_hold.st == 'LOCKED' and cmd.expiresAt > 0 then
      -- the order header is needed only to announce an unpaid timeout
      redis.call('HSET', hk, 'st', next_hold.st, 'ps', ps, 'ln', encode_lines(next_hold.lines), 'mt', next_hold.meta, 'e:' .. cmd.id, encoded)
    elseif created then
      redis.call('HSET', hk, 'st', next_hold.st, 'ps', ps, 'ln', encode_lines(next_hold.lines), 'e:' .. cmd.id, encoded)
    else
      redis.call('HSET', hk, 'st', next_hold.st, 'e:' .. cmd.id, encoded)
    end
  end
  return result(cmd, false, encoded)
end

local function scan_out(cmd)
  local key = cmd.orderKey
  local hold = nil
  if key ~= nil and key ~= cjson.null then hold = read_hold(P .. 'h:' .. key) end
  if hold == nil or (hold.st ~= 'LOCKED' and hold.st ~= 'RESERVED') then
    local state = cjson.null
    if hold ~= nil then state = hold.st end
    reject(cmd.sku, cmd.warehouse, cmd.quantity, { 'no-open-hold', key or cjson.null, state })
    return
  end
  redis.call('HSET', P .. 'h:' .. key, 'st', move_hold(hold, 'SHIPPED'))
  redis.call('ZREM', TIMERS, key)
end

local function apply_movement(cmd)
  local mk = P .. 'm:' .. cmd.id
  local prior = redis.call('GET', mk)
  if prior then return result(cmd, true, prior) end
  begin_command()
  local q, sku, wh, kind = cmd.quantity, cmd.sku, cmd.warehouse, cmd.kind
  if q ~= math.floor(q) or (q < 0 and kind ~= 'ADJUSTMENT') then
    reject(sku, wh, q, { 'invalid-movement', kind, q })
  elseif kind == 'RECEIPT' or kind == 'RETURN' then
    change('RECEIVED', sku, wh, q, function(s) s.p = s.p + q end)
  elseif kind == 'COUNT' then
    local before = levels(sku, wh).p
    change('COUNTED', sku, wh, q - before, function(s) s.p = q end)
  elseif kind == 'ADJUSTMENT' then
    if levels(sku, wh).p + q < 0 then reject(sku, wh, q, { 'negative-adjustment', q })
    else change('ADJUSTED', sku, wh, q, function(s) s.p = s.p + q end) end
  elseif kind == 'SAFETY_STOCK' then
    change('SAFETY_STOCK_SET', sku, wh, q, function(s) s.s = q end)
  elseif kind == 'PRESALE_QUOTA' then
    local s = levels(sku, wh)
    if q - s.q > available(s) then reject(sku, wh, q, { 'quota-exceeds', q, available(s) + s.q })
    else change('PRESALE_QUOTA_SET', sku, wh, q, function(r) r.q = q end) end
  elseif kind == 'LOW_STOCK_THRESHOLD' then
    change('THRESHOLD_SET', sku, wh, q, function(s) s.t = q; s.a = 0 end)
  else
    scan_out(cmd)
  end
  check_low_stock()
  local encoded = encode_out()
  redis.call('SET', mk, encoded)
  return result(cmd, false, encoded)
end

local results = {}
for i, cmd in ipairs(cmds) do
  if cmd.t == 'order' then results[i] = apply_order(cmd) else results[i] = apply_movement(cmd) end
end
for k, s in pairs(cache) do
  if s.dirty then redis.call('HSET', k, 'p', s.p, 'l', s.l, 'r', s.r, 's', s.s, 'q', s.q, 't', s.t, 'a', s.a, 'v', s.v) end
end
return '[' .. table.concat(results, ',') .. ']'
