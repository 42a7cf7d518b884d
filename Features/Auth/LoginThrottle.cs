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
/// multiply). A fixed window opens at the first failure; a success clears the account's counter.
/// </summary>
public sealed class LoginThrottle(IDatabase redis, LoginThrottleOptions options)
{
    private TimeSpan Window => TimeSpan.FromMinutes(options.WindowMinutes);

    /// <summary>How long the caller must wait, or null when it may try.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string account, string ip)
    {
        var accountKey = AccountKey(account);
        var ipKey = IpKey(ip);
        var counts = await redis.StringGetAsync([accountKey, ipKey]);
        TimeSpan? wait = null;
        if ((long?)counts[0] >= options.MaxFailuresPerAccount) wait = Max(wait, await redis.KeyTimeToLiveAsync(accountKey));
        if ((long?)counts[1] >= options.MaxFailuresPerIp) wait = Max(wait, await redis.KeyTimeToLiveAsync(ipKey));
        return wait;
    }

    public Task RecordFailureAsync(string account, string ip) =>
        Task.WhenAll(Count(AccountKey(account)), Count(IpKey(ip)));

    public Task ResetAsync(string account) => redis.KeyDeleteAsync(AccountKey(account));

    private async Task Count(RedisKey key)
    {
        await redis.StringIncrementAsync(key);
        await redis.KeyExpireAsync(key, Window, ExpireWhen.HasNoExpiry);
    }

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) =>
        b is null ? a ?? TimeSpan.FromSeconds(1) : a is null || b > a ? b : a;

    private static RedisKey AccountKey(string account) => $"auth:fail:a:{account}";
    private static RedisKey IpKey(string ip) => $"auth:fail:ip:{ip}";
}
