using StackExchange.Redis;

namespace Mall.Features.Auth;

public sealed class LoginThrottleOptions
{
    public int MaxFailuresPerAccount { get; set; } = 5;
    public int MaxFailuresPerIp { get; set; } = 20;
    public int WindowMinutes { get; set; } = 15;
}

/// <summary>
/// Failed-login counters in Redis, per account and per client IP, so the limit holds across API instances
/// (ASP.NET Core's built-in rate limiter keeps its counters in process memory, which several instances would
/// multiply). A fixed window opens at the first failure.
/// Every attempt is counted as a failure <i>before</i> the password is checked and given back if it succeeds:
/// checking first and counting afterwards would let every guess already in flight past the limit.
/// </summary>
public sealed class LoginThrottle(IDatabase redis, LoginThrottleOptions options)
{
    private TimeSpan Window => TimeSpan.FromMinutes(options.WindowMinutes);

    /// <summary>
    /// Counts the attempt; returns how long the caller must wait when it is over a limit, else null. The account is
    /// the one found (its user id, whatever spelling was typed) or, when none is, the canonical spelling tried.
    /// </summary>
    public async Task<TimeSpan?> BeginAttemptAsync(LoginSubject account, string ip)
    {
        // Two keys in different hash slots: two commands, pipelined, rather than one script.
        var (accountCount, ipCount) = (Count(AccountKey(account)), Count(IpKey(ip)));
        TimeSpan? wait = null;
        if (await accountCount > options.MaxFailuresPerAccount) wait = Max(wait, await redis.KeyTimeToLiveAsync(AccountKey(account)));
        if (await ipCount > options.MaxFailuresPerIp) wait = Max(wait, await redis.KeyTimeToLiveAsync(IpKey(ip)));
        return wait;
    }

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

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) =>
        b is null ? a ?? TimeSpan.FromSeconds(1) : a is null || b > a ? b : a;

    private static RedisKey AccountKey(LoginSubject account) => account.UserId is { } id ? $"auth:fail:u:{id}" : $"auth:fail:a:{account.Canonical}";
    private static RedisKey IpKey(string ip) => $"auth:fail:ip:{ip}";
}

/// <summary>Whom a sign-in attempt is counted against: the account found, else the spelling tried.</summary>
public readonly record struct LoginSubject(long? UserId, string Canonical);
