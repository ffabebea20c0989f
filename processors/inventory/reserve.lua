-- Applies a batch of inventory commands atomically. The rules are exactly those of core.ts (the
-- specification); a differential test feeds both the same random streams. One call per batch: the
-- whole batch is one atomic step, and a command seen before returns its original decisions.
--
-- ARGV[1] key prefix (a {hash tag}, so every key lives in one cluster slot)
-- ARGV[2] JSON array of commands (see commands.ts)
-- returns JSON array of { id, replayed, decisions }
local P = ARGV[1]
local cmds = cjson.decode(ARGV[2])

local function stock_key(sku, wh) return P .. 's:' .. sku .. '@' .. wh end

-- levels cached for the batch, written back once at the end
local cache = {}
local function levels(sku, wh)
  local k = stock_key(sku, wh)
  local s = cache[k]
  if s == nil then
    local v = redis.call('HMGET', k, 'p', 'l', 'r', 's', 'v')
    s = { p = tonumber(v[1]) or 0, l = tonumber(v[2]) or 0, r = tonumber(v[3]) or 0,
          s = tonumber(v[4]) or 0, v = tonumber(v[5]) or 0, dirty = false }
    cache[k] = s
  end
  return s
end
local function available(s) return s.p - s.l - s.r - s.s end

local function decision(kind, sku, wh, q, reason, s)
  return { kind = kind, sku = sku, warehouse = wh, quantity = q, reason = reason or cjson.null,
           physical = s.p, locked = s.l, reserved = s.r, safety = s.s, version = s.v }
end

local function change(out, kind, sku, wh, q, fn)
  local s = levels(sku, wh)
  fn(s, q)
  s.v = s.v + 1
  s.dirty = true
  out[#out + 1] = decision(kind, sku, wh, q, nil, s)
end

local function lock(s, q) s.l = s.l + q end
local function reserve(s, q) s.l = s.l - q; s.r = s.r + q end
local function ship(s, q) s.r = s.r - q; s.p = math.max(0, s.p - q) end
local function release_locked(s, q) s.l = s.l - q end
local function release_reserved(s, q) s.r = s.r - q end

local function step(out, kind, wh, lines, fn)
  for _, line in ipairs(lines) do change(out, kind, line[1], wh, line[2], fn) end
end

local function is_positive_integer(q) return q > 0 and q == math.floor(q) end

local function invalid_lines_reason(lines)
  if #lines == 0 then return 'order has no lines' end
  for _, line in ipairs(lines) do
    if not is_positive_integer(line[2]) then
      return 'invalid quantity ' .. tostring(line[2]) .. ' for ' .. line[1]
    end
  end
  return nil
end

local function shortage_reason(cmd)
  local first = cmd.warehouses[1]
  if first == nil then return 'no warehouse configured' end
  local short = {}
  for _, line in ipairs(cmd.lines) do
    local a = math.max(0, available(levels(line[1], first)))
    if a < line[2] then short[#short + 1] = line[1] .. ' wants ' .. tostring(line[2]) .. ', ' .. tostring(a) .. ' available' end
  end
  local others = ''
  if #cmd.warehouses > 1 then others = '; no other of ' .. tostring(#cmd.warehouses) .. ' warehouses can fill it' end
  return 'insufficient stock at ' .. first .. ': ' .. table.concat(short, ', ') .. others
end

local function can_fill(wh, lines)
  for _, line in ipairs(lines) do
    if available(levels(line[1], wh)) < line[2] then return false end
  end
  return true
end

local function apply_order(cmd)
  local hk = P .. 'h:' .. cmd.orderKey
  local prior = redis.call('HGET', hk, 'e:' .. cmd.id)
  if prior then return { id = cmd.id, replayed = true, decisions = cjson.decode(prior) } end

  local out = {}
  local h = redis.call('HMGET', hk, 'st', 'wh', 'ln')
  local st, hwh = h[1], h[2]
  local next_state = nil
  local next_wh = nil
  local next_lines = cmd.lines
  local target = cmd.target

  if target == 'NONE' then
    next_state = st or nil
  elseif not st then
    if target == 'RELEASED' then
      next_state = 'RELEASED'
    else
      local invalid = invalid_lines_reason(cmd.lines)
      local wh = nil
      if not invalid then
        for _, candidate in ipairs(cmd.warehouses) do
          if can_fill(candidate, cmd.lines) then wh = candidate; break end
        end
      end
      if wh == nil then
        local reason = invalid or shortage_reason(cmd)
        local first = cmd.warehouses[1] or ''
        if #cmd.lines == 0 then out[#out + 1] = decision('REJECTED', '', first, 0, reason, levels('', first)) end
        for _, line in ipairs(cmd.lines) do
          out[#out + 1] = decision('REJECTED', line[1], first, line[2], reason, levels(line[1], first))
        end
        next_state = 'REJECTED'
      else
        step(out, 'LOCKED', wh, cmd.lines, lock)
        if target ~= 'LOCKED' then step(out, 'RESERVED', wh, cmd.lines, reserve) end
        if target == 'SHIPPED' then step(out, 'SHIPPED', wh, cmd.lines, ship) end
        next_state = target
        next_wh = wh
      end
    end
  elseif st == 'LOCKED' or st == 'RESERVED' then
    local lines = cjson.decode(h[3])
    next_lines = nil
    next_state = st
    if target == 'RELEASED' then
      if st == 'LOCKED' then step(out, 'RELEASED', hwh, lines, release_locked)
      else step(out, 'RELEASED', hwh, lines, release_reserved) end
      next_state = 'RELEASED'
    else
      if st == 'LOCKED' and (target == 'RESERVED' or target == 'SHIPPED') then
        step(out, 'RESERVED', hwh, lines, reserve)
        next_state = 'RESERVED'
      end
      if target == 'SHIPPED' then
        step(out, 'SHIPPED', hwh, lines, ship)
        next_state = 'SHIPPED'
      end
    end
  else
    next_state = st -- SHIPPED, RELEASED, REJECTED are final for stock
  end

  if next_state ~= nil then
    local encoded = '[]'
    if #out > 0 then encoded = cjson.encode(out) end
    if st then
      redis.call('HSET', hk, 'st', next_state, 'e:' .. cmd.id, encoded)
    else
      redis.call('HSET', hk, 'st', next_state, 'wh', next_wh or '', 'ln', cjson.encode(next_lines), 'e:' .. cmd.id, encoded)
    end
  end
  return { id = cmd.id, replayed = false, decisions = out }
end

local function apply_movement(cmd)
  local mk = P .. 'm:' .. cmd.id
  local prior = redis.call('GET', mk)
  if prior then return { id = cmd.id, replayed = true, decisions = cjson.decode(prior) } end
  local out = {}
  local q = cmd.quantity
  if q < 0 or q ~= math.floor(q) then
    out[1] = decision('REJECTED', cmd.sku, cmd.warehouse, q, 'invalid ' .. cmd.kind .. ' quantity ' .. tostring(q), levels(cmd.sku, cmd.warehouse))
  elseif cmd.kind == 'RECEIPT' or cmd.kind == 'RETURN' then
    change(out, 'RECEIVED', cmd.sku, cmd.warehouse, q, function(s) s.p = s.p + q end)
  elseif cmd.kind == 'COUNT' then
    local before = levels(cmd.sku, cmd.warehouse).p
    change(out, 'COUNTED', cmd.sku, cmd.warehouse, q - before, function(s) s.p = q end)
  else
    change(out, 'SAFETY_STOCK_SET', cmd.sku, cmd.warehouse, q, function(s) s.s = q end)
  end
  redis.call('SET', mk, cjson.encode(out))
  return { id = cmd.id, replayed = false, decisions = out }
end

local results = {}
for i, cmd in ipairs(cmds) do
  if cmd.t == 'order' then results[i] = apply_order(cmd) else results[i] = apply_movement(cmd) end
end
for k, s in pairs(cache) do
  if s.dirty then redis.call('HSET', k, 'p', s.p, 'l', s.l, 'r', s.r, 's', s.s, 'v', s.v) end
end
return cjson.encode(results)
