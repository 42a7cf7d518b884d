-- Issues a one-time attempt token while the activity is live and not sold out.
-- KEYS: 1 meta, 2 stock, 3 token, 4 per-user token rate counter
-- ARGV: 1 user id, 2 now (ms), 3 token lifetime (ms), 4 tokens per window, 5 window (ms)
-- Returns {200} | {404} | {429, retry ms} | {425, ms until start} | {410, 0 = ended | 1 = sold out | 2 = cancelled}
local meta = redis.call('HMGET', KEYS[1], 'start', 'end', 'cancelled')
if meta[3] then return {410, 2} end
if not meta[1] then return {404} end

local hits = redis.call('INCR', KEYS[4])
if hits == 1 then redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[5])) end
if hits > tonumber(ARGV[4]) then return {429, redis.call('PTTL', KEYS[4])} end

local now = tonumber(ARGV[2])
if now < tonumber(meta[1]) then return {425, tonumber(meta[1]) - now} end
if now >= tonumber(meta[2]) then return {410, 0} end
if tonumber(redis.call('GET', KEYS[2]) or 0) <= 0 then return {410, 1} end

redis.call('SET', KEYS[3], ARGV[1], 'PX', tonumber(ARGV[3]))
return {200}
