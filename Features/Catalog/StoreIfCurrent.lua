-- Store a rebuilt value only if no invalidation happened since the rebuild started (the epoch is unchanged).
-- KEYS[1] value key, KEYS[2] its epoch key; ARGV[1] epoch seen before loading ('' = none), ARGV[2] value, ARGV[3] ttl ms.
local epoch = redis.call('GET', KEYS[2]) or ''
if epoch ~= ARGV[1] then
    return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
