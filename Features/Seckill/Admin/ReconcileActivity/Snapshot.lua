-- The Redis half of the invariant, read atomically: remaining stock and every unconfirmed reservation.
-- KEYS: 1 stock, 2 log (stream)
return {redis.call('GET', KEYS[1]), redis.call('XRANGE', KEYS[2], '-', '+')}
