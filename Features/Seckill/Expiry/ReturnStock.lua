-- Gives an expired (or cancelled) reservation's units back to the activity, exactly once. The buyer's allowance stays
-- spent (the buyers hash is left alone): a unit let lapse goes to someone else, never back to the bot that held it.
-- KEYS: 1 stock, 2 buyers (unchanged, kept for the callers' key list), 3 returned reservations (set)
-- ARGV: 1 reservation id, 2 user id, 3 quantity
-- Returns the stock after the return, or -1 when this reservation was already returned.
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return -1 end
return redis.call('INCRBY', KEYS[1], tonumber(ARGV[3]))
