-- Ends an activity's life in Redis: its remaining units leave the activity (they go back to the SKU in MySQL).
-- Idempotent: the first call stores the remaining count in meta.closed and zeroes the stock; repeats return it.
-- Every key of the activity then expires after ARGV[1] ms: a settled activity needs nothing from Redis any more
-- (readers treat its missing stock as 0), and a shop that sells every day must not keep every sale's buyers forever.
-- KEYS: 1 meta, 2 stock, 3 buyers, 4 log (stream), 5 returned, 6 attempts by result. ARGV: 1 how long the keys are kept (ms)
local closed = redis.call('HGET', KEYS[1], 'closed')
local left = tonumber(closed)
if not closed then
  left = tonumber(redis.call('GET', KEYS[2]) or 0)
  redis.call('SET', KEYS[2], 0)
  redis.call('HSET', KEYS[1], 'closed', left)
end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return left
