-- The end of a repair: bring the activity's Redis half back to the truth and turn the fence into its settle period.
-- KEYS: 1 meta, 2 stock, 3 buyers, 4 log (stream), 5 returned (set)
-- ARGV: 1 token, 2 the stock the snapshot read, 3 the stock the truth gives for that moment, 4 until when (ms) attempts
--       stay refused so that the other instances can add what only they hold (0: not at all), 5 n, then n pairs
--       (user id, units bought), then m, then m reservations to put back in the log (entry id, user, quantity, price,
--       time), then k, then k reservation ids whose units MySQL says are back in stock
-- The stock moves by (truth - snapshot), so returns that happened since the snapshot are kept. Buyers only grow (a
-- shopper's allowance stays spent). A reservation goes back under its own entry id, so its order number is unchanged;
-- one the stream cannot take any more (a newer id exists) is still counted, and the instance that holds it writes it.
-- The fence becomes the settle period (Attempt.lua lifts it once it has passed; the next repair may take it over).
-- Returns {-1} when the fence is no longer this repair's, else {stock after, entries put back, run id}.
if redis.call('HGET', KEYS[1], 'repairing') ~= ARGV[1] then return {-1} end
local stock = redis.call('INCRBY', KEYS[2], tonumber(ARGV[3]) - tonumber(ARGV[2]))
local i = 5
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local units = tonumber(ARGV[i + 1])
  if tonumber(redis.call('HGET', KEYS[3], ARGV[i]) or '0') < units then redis.call('HSET', KEYS[3], ARGV[i], units) end
  i = i + 2
end
local restored = 0
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
  local added = redis.pcall('XADD', KEYS[4], ARGV[i], 'u', ARGV[i + 1], 'q', ARGV[i + 2], 'p', ARGV[i + 3], 't', ARGV[i + 4])
  if type(added) ~= 'table' then restored = restored + 1 end
  i = i + 5
end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do redis.call('SADD', KEYS[5], ARGV[i]); i = i + 1 end
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
redis.call('HSET', KEYS[1], 'node', run)
if tonumber(ARGV[4]) > 0 then redis.call('HSET', KEYS[1], 'repairing', 'settle:' .. ARGV[4]) else redis.call('HDEL', KEYS[1], 'repairing') end
return {stock, restored, run}
