-- Stops an activity in Redis: from now on the attempt and token scripts answer "cancelled" on every instance, and the
-- units still in stock leave the activity (they go back to the SKU in MySQL). Idempotent: the first call stores the
-- count in meta.released and zeroes the stock; repeats return the stored count. A reservation the attempt script
-- accepted before this call is already in the log and still becomes an order.
-- KEYS: 1 meta, 2 stock. ARGV: 1 cancelled at (ms), 2 version, 3 initial stock (what an activity never warmed holds)
local released = redis.call('HGET', KEYS[1], 'released')
if released then return tonumber(released) end
local left
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- Published in MySQL but never warmed (a crash in between): nothing was sold, every unit goes back.
  left = tonumber(ARGV[3])
else
  left = tonumber(redis.call('GET', KEYS[2]) or 0)
  redis.call('SET', KEYS[2], 0)
end
redis.call('HSET', KEYS[1], 'cancelled', ARGV[1], 'released', left, 'version', ARGV[2])
return left
