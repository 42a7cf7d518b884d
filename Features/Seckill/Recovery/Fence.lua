-- Is the server that holds this activity the one the shop last verified it on? A failover promotes a replica and a
-- crashed primary restarts from its AOF: either way another process (another run_id) answers, and it may have
-- forgotten the last acknowledged writes (replication and the AOF's fsync are asynchronous). Run on the activity's
-- own slot, so on a cluster it asks the very primary that owns the activity.
-- KEYS: 1 meta. ARGV: 1 the run id this instance last saw for the activity ('' = none yet)
-- Returns {run id, 'ok' | 'changed' | 'lost'}; 'ok' the first time records the run id in meta.node.
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
local meta = redis.call('HMGET', KEYS[1], 'node', 'start')
if not meta[2] then return {run, 'lost'} end
if meta[1] and meta[1] ~= run then return {run, 'changed'} end
if ARGV[1] ~= '' and ARGV[1] ~= run then return {run, 'changed'} end
if not meta[1] then redis.call('HSET', KEYS[1], 'node', run) end
return {run, 'ok'}
