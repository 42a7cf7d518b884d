-- The bare seckill reservation: the same Redis work an attempt does in one round trip (check stock, check the
-- buyer, decrement, record the buyer, append to the reservation log). The baseline endpoint calls only this.
-- KEYS: stock, buyers, log. ARGV: user id, quantity.
local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return -1 end
local quantity = tonumber(ARGV[2])
if stock < quantity then return 0 end
redis.call('DECRBY', KEYS[1], quantity)
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', '100000', '*', 'u', ARGV[1], 'q', ARGV[2])
return 1
