-- Compare-and-delete: release the rebuild lock only if we still own it. A holder whose lock already expired
-- (slow load) must not delete the lock a newer rebuilder took meanwhile.
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
