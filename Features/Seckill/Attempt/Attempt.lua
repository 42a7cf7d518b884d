-- One seckill attempt, atomically. All keys share the activity's hash tag ({a<id>}), so this is one slot on
-- Redis Cluster. Checks happen before any state changes that matter, so a refused attempt takes nothing.
-- KEYS: 1 meta, 2 stock, 3 buyers, 4 log (stream), 5 attempt token, 6 per-user rate counter, 7 per-IP rate counter,
--       8 the "verified here" marker
-- ARGV: 1 user id, 2 quantity, 3 now (ms), 4 user attempts per window, 5 IP attempts per window, 6 window (ms)
-- Returns {202, entry id, stock left, price, node, accepted at (ms), 1 = a replay} | {404} | {429, retry ms} | {425}
--         | {410, 0 = ended | 1 = sold out | 2 = cancelled, stock left} | {400} | {403} | {409}
--         | {503, 0 = being repaired, node} | {503, 1 = another Redis process, not yet repaired}
local meta = redis.call('HMGET', KEYS[1], 'start', 'end', 'limit', 'price', 'cancelled', 'repairing', 'node')
-- Cancelled by an operator: refused at once on every instance, before anything is counted or taken.
if meta[5] then return {410, 2, 0} end
-- Being repaired after a failover (Recovery/FailoverRepair), or settling after a repair so that every instance can add
-- the reservations only it still holds: nothing is sold until the stock is the truth again.
if meta[6] then
  local settled = tonumber(string.match(meta[6], '^settle:(%d+)$') or '')
  if not settled or tonumber(ARGV[3]) < settled then return {503, 0, meta[7] or ''} end
  redis.call('HDEL', KEYS[1], 'repairing')
end
if not meta[1] then return {404} end

-- Is this the Redis process the activity was last verified on (meta.node)? A promoted replica or a primary restarted
-- from its AOF may have forgotten the last acknowledged sales, so it sells nothing until FailoverRepair has run. Asking
-- INFO costs as much as the whole attempt, so a positive answer is remembered for 100 ms in a key that is neither
-- replicated nor written to the AOF: a process that has not checked itself has no such key. (An RDB copy of it, made by
-- a full resync or an AOF rewrite, has expired long before that copy can serve.)
if redis.call('EXISTS', KEYS[8]) == 0 then
  local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
  if not meta[7] then
    redis.call('HSET', KEYS[1], 'node', run)
    meta[7] = run
  elseif meta[7] ~= run then
    return {503, 1}
  end
  redis.set_repl(redis.REPL_NONE)
  redis.call('SET', KEYS[8], '1', 'PX', 100)
  redis.set_repl(redis.REPL_ALL)
end

-- The token remembers how its attempt ended until the token expires, so the same attempt sent again (its answer was
-- lost to a timeout, or the shopper tapped twice) gets the same answer and takes nothing twice: "ok:<user>:<entry id>:
-- <price>:<at>" or "no:<user>:<409 | 410>". Checked before the rate counters: a replay is not a new attempt. (Anything
-- else — no token, someone else's, used or not — goes on to the counters and is refused with 403 below.)
local held = redis.call('GET', KEYS[5])
local kind, user, rest
if held then kind, user, rest = string.match(held, '^(%a+):(%d+):(.*)$') end
if kind and user == ARGV[1] then
  if kind == 'no' then
    if rest == '410' then return {410, 1, tonumber(redis.call('GET', KEYS[2]) or 0)} end
    return {tonumber(rest)}
  end
  local id, price, at = string.match(rest, '^([^:]+):(%d+):(%d+)$')
  return {202, id, tonumber(redis.call('GET', KEYS[2]) or 0), tonumber(price), meta[7], tonumber(at), 1}
end

local window = tonumber(ARGV[6])
local hits = redis.call('INCR', KEYS[6])
if hits == 1 then redis.call('PEXPIRE', KEYS[6], window) end
if hits > tonumber(ARGV[4]) then return {429, redis.call('PTTL', KEYS[6])} end
hits = redis.call('INCR', KEYS[7])
if hits == 1 then redis.call('PEXPIRE', KEYS[7], window) end
if hits > tonumber(ARGV[5]) then return {429, redis.call('PTTL', KEYS[7])} end

local now = tonumber(ARGV[3])
if now < tonumber(meta[1]) then return {425} end
if now >= tonumber(meta[2]) then return {410, 0, 0} end

local quantity = tonumber(ARGV[2])
local limit = tonumber(meta[3])
if quantity > limit then return {400} end

if held ~= ARGV[1] then return {403} end

local bought = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or 0)
if bought + quantity > limit then
  redis.call('SET', KEYS[5], 'no:' .. ARGV[1] .. ':409', 'KEEPTTL')
  return {409}
end

local stock = tonumber(redis.call('GET', KEYS[2]) or 0)
if stock < quantity then
  redis.call('SET', KEYS[5], 'no:' .. ARGV[1] .. ':410', 'KEEPTTL')
  return {410, 1, stock}
end

stock = redis.call('DECRBY', KEYS[2], quantity)
redis.call('HINCRBY', KEYS[3], ARGV[1], quantity)
local id = redis.call('XADD', KEYS[4], '*', 'u', ARGV[1], 'q', quantity, 'p', meta[4], 't', ARGV[3])
redis.call('SET', KEYS[5], 'ok:' .. ARGV[1] .. ':' .. id .. ':' .. meta[4] .. ':' .. ARGV[3], 'KEEPTTL')
return {202, id, stock, tonumber(meta[4]), meta[7], tonumber(ARGV[3]), 0}
