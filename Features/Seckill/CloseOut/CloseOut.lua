-- Ends an activity's life in Redis: its remaining units leave the activity (they go back to the SKU in MySQL).
-- Idempotent: the first call stores the remaining count in meta.closed and zeroes the stock; repeats return it.
-- KEYS: 1 meta, 2 stock
local closed = redis.call('HGET', KEYS[1], 'closed')
if closed then return tonumber(closed) end
local left = tonumber(redis.call('GET', KEYS[2]) or 0)
redis.call('SET', KEYS[2], 0)
redis.call('HSET', KEYS[1], 'closed', left)
return left
