using StackExchange.Redis;

namespace Mall.Features.Auth;

public sealed class LoginThrottleOptions
{
    /// <summary>Failures that lock an account for the rest of the window (a correct password then waits too).</summary>
    public int MaxFailuresPerAccount { get; set; } = 5;
    /// <summary>Failures from one address after which every sign-in from it must answer a challenge first. Never a lock:
    /// a carrier NAT or an office shares one address.</summary>
    public int ChallengeAfterFailuresPerIp { get; set; } = 10;
    public int WindowMinutes { get; set; } = 15;
}

/// <summary>
/// Failed-login counters in Redis, per account and per client address, so the limits hold across API instances
/// (ASP.NET Core's built-in rate limiter keeps its counters in process memory, which several instances would
/// multiply). A fixed window opens at the first failure.
/// An account over its limit is locked for the window; an attempt answered "locked" is not counted again. An address
/// over its limit is never locked: its sign-ins must answer a proof-of-work challenge, which slows a guesser and costs
/// a shopper behind the same address a second.
/// Every attempt is counted as a failure <i>before</i> the password is checked and given back if it succeeds:
/// checking first and counting afterwards would let every guess already in flight past the limit.
/// </summary>
public sealed class LoginThrottle(IDatabase redis, LoginThrottleOptions options)
{
    private TimeSpan Window => TimeSpan.FromMinutes(options.WindowMinutes);

    /// <summary>Whether sign-ins from this address must answer a challenge now.</summary>
    public async Task<bool> NeedsChallengeAsync(string ip) =>
        (long?)await redis.StringGetAsync(IpKey(ip)) >= options.ChallengeAfterFailuresPerIp;

    /// <summary>
    /// Counts the attempt; returns how long the caller must wait when the account is locked (that attempt is then not
    /// counted), else null. The account is the one found (its user id, whatever spelling was typed) or, when none is,
    /// the canonical spelling tried.
    /// </summary>
    public async Task<TimeSpan?> BeginAttemptAsync(LoginSubject account, string ip)
    {
        var locked = (long)await redis.ScriptEvaluateAsync(CountUnlessLocked, new
        {
            key = AccountKey(account), limit = options.MaxFailuresPerAccount, window = (long)Window.TotalSeconds,
        });
        if (locked > 0) return TimeSpan.FromSeconds(locked);
        await Count(IpKey(ip));
        return null;
    }

    // Returns the lock's remaining seconds (the attempt not counted), or 0 after counting it.
    private static readonly LuaScript CountUnlessLocked = LuaScript.Prepare("""
        local count = tonumber(redis.call('GET', @key) or '0')
        if count >= tonumber(@limit) then return math.max(1, redis.call('TTL', @key)) end
        redis.call('INCR', @key)
        if redis.call('TTL', @key) < 0 then redis.call('EXPIRE', @key, @window) end
        return 0
        """);

    // Only while the window lasts: a plain DECR after the key expired would leave a negative count without a TTL.
    private static readonly LuaScript GiveBack = LuaScript.Prepare(
        "if redis.call('EXISTS', @key) == 1 then return redis.call('DECR', @key) end return 0");

    /// <summary>The password was right: the account starts afresh, and the address gets its attempt back.</summary>
    public Task SucceededAsync(LoginSubject account, string ip) =>
        Task.WhenAll(redis.KeyDeleteAsync(AccountKey(account)), redis.ScriptEvaluateAsync(GiveBack, new { key = IpKey(ip) }));

    private async Task<long> Count(RedisKey key)
    {
        var count = await redis.StringIncrementAsync(key);
        await redis.KeyExpireAsync(key, Window, ExpireWhen.HasNoExpiry);
        return count;
    }

    private static RedisKey AccountKey(LoginSubject account) => account.UserId is { } id ? $"auth:fail:u:{id}" : $"auth:fail:a:{account.Canonical}";
    private static RedisKey IpKey(string ip) => $"auth:fail:ip:{ip}";
}

/// <summary>Whom a sign-in attempt is counted against: the account found, else the spelling tried.</summary>
public readonly record struct LoginSubject(long? UserId, string Canonical);
