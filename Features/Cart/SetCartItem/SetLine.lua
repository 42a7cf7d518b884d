-- Sets one cart line unless that would make the cart hold more than ARGV[3] different SKUs, renews the cart's idle
-- expiry, and answers { 1 | 0 (full, nothing changed), the cart as it is now (HGETALL) }.
-- KEYS[1] the shopper's cart hash; ARGV[1] SKU id, ARGV[2] quantity, ARGV[3] most lines, ARGV[4] idle lifetime (ms).
local cart = KEYS[1]
if redis.call('HEXISTS', cart, ARGV[1]) == 0 and redis.call('HLEN', cart) >= tonumber(ARGV[3]) then
  return { 0, redis.call('HGETALL', cart) }
end
redis.call('HSET', cart, ARGV[1], ARGV[2])
redis.call('PEXPIRE', cart, ARGV[4])
return { 1, redis.call('HGETALL', cart) }
