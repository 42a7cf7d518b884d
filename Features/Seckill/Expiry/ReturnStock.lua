-- Gives an expired (or cancelled) reservation's units back to the activity, exactly once.
-- KEYS: 1 stock, 2 buyers, 3 returned reservations (set)
-- ARGV: 1 reservation id, 2 user id, 3 quantity
-- Returns the stock after the return, or -1 when this reservation was already returned.
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return -1 end
local stock = redis.call('INCRBY', KEYS[1], tonumber(ARGV[3]))
if redis.call('HINCRBY', KEYS[2], ARGV[2], -tonumber(ARGV[3])) <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
return stock
