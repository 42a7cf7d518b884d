-- The start of a repair: fence the activity (the attempt script answers 503 while meta.repairing is set, on every
-- instance, so nothing is sold between this read and the repair) and read its Redis half atomically.
-- KEYS: 1 meta, 2 stock, 3 log (stream), 4 returned (set)
-- ARGV: 1 this repair's token ("<id>:<ms>"), 2 now (ms), 3 after how long another instance's fence counts as abandoned (ms)
-- Returns {0} when another repair holds the fence, else {1, stock (or false), log entries, returned reservation ids}.
local holder = redis.call('HGET', KEYS[1], 'repairing')
-- The token is "<instance>:<ms>": the same instance retrying its own failed repair never waits for itself. A finished
-- repair's settle period ("settle:<ms>") is there precisely so that other instances can repair: it is taken at once.
if holder and not string.match(holder, '^settle:') and string.match(holder, '^(%x+):') ~= string.match(ARGV[1], '^(%x+):') then
  local since = tonumber(string.match(holder, ':(%d+)$') or '0')
  if tonumber(ARGV[2]) - since < tonumber(ARGV[3]) then return {0} end
end
redis.call('HSET', KEYS[1], 'repairing', ARGV[1])
return {1, redis.call('GET', KEYS[2]), redis.call('XRANGE', KEYS[3], '-', '+'), redis.call('SMEMBERS', KEYS[4])}
