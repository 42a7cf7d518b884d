-- Warm-up of one activity to the version MySQL holds; safe to repeat.
-- KEYS: 1 meta, 2 stock, 3 buyers, 4 log (stream)
-- ARGV: 1 start (ms), 2 end (ms), 3 limit per user, 4 price (cents), 5 initial stock, 6 consumer group, 7 version
-- Returns the stock now in Redis.
local state = redis.call('HMGET', KEYS[1], 'initial', 'cancelled', 'version')
local current = redis.call('GET', KEYS[2])
-- A cancelled activity is never warmed again, and a late warm-up never overwrites a newer one (two changes racing).
if state[2] or tonumber(state[3] or 0) > tonumber(ARGV[7]) then return tonumber(current or 0) end
-- The first publish sets the stock. A repeat resets it only while nothing is bought (the admin may resize an
-- activity before it starts), so re-publishing a live activity never brings sold units back.
if not current or (tonumber(current) == tonumber(state[1]) and redis.call('HLEN', KEYS[3]) == 0) then
  redis.call('SET', KEYS[2], ARGV[5])
  current = ARGV[5]
end
-- The Redis process the activity is verified on (Attempt.lua sells nowhere else): recorded with the activity itself,
-- so no copy of the meta that a failover or a rollback brings back lacks it.
if not redis.call('HGET', KEYS[1], 'node') then
  redis.call('HSET', KEYS[1], 'node', string.match(redis.call('INFO', 'server'), 'run_id:(%x+)'))
end
redis.call('HSET', KEYS[1], 'start', ARGV[1], 'end', ARGV[2], 'limit', ARGV[3], 'price', ARGV[4], 'initial', ARGV[5], 'version', ARGV[7])
-- The recovery workers' consumer group; BUSYGROUP on a repeat is expected.
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[4], ARGV[6], '0', 'MKSTREAM')
return tonumber(current)
