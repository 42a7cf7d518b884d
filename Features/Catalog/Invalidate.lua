-- Invalidate one cache key: drop the value and bump its epoch, so a rebuild that read MySQL before this write
-- cannot store its (now old) result afterwards (see StoreIfCurrent.lua).
-- KEYS[1] value key, KEYS[2] its epoch key (same hash tag); ARGV[1] epoch lifetime in ms.
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
