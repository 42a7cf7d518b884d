using StackExchange.Redis;

namespace Mall.Features.Auth;

public sealed class RegistrationThrottleOptions
{
    /// <summary>Accounts one address may create in the window before each further one must answer a challenge.</summary>
    public int ChallengeAfterPerIp { get; set; } = 3;
    /// <summary>Accounts one address may create in the window at all (a school or an office registers a few, not hundreds).</summary>
    public int MaxPerIp { get; set; } = 20;
    public int WindowMinutes { get; set; } = 60;
}

/// <summary>
/// Accounts created per client address, in Redis (shared by every instance): a few freely, then each behind a
/// proof-of-work challenge, and past the maximum not at all until the window ends. Bot farms register hundreds from
/// one address; people do not.
/// </summary>
public sealed class RegistrationThrottle(IDatabase redis, RegistrationThrottleOptions options)
{
    public enum Gate { Open, NeedsChallenge, Closed }

    public async Task<(Gate Gate, TimeSpan RetryAfter)> CheckAsync(string ip)
    {
        var created = (long?)await redis.StringGetAsync(Key(ip)) ?? 0;
        if (created >= options.MaxPerIp)
            return (Gate.Closed, await redis.KeyTimeToLiveAsync(Key(ip)) ?? TimeSpan.FromMinutes(options.WindowMinutes));
        return (created >= options.ChallengeAfterPerIp ? Gate.NeedsChallenge : Gate.Open, TimeSpan.Zero);
    }

    public async Task CreatedAsync(string ip)
    {
        await redis.StringIncrementAsync(Key(ip));
        await redis.KeyExpireAsync(Key(ip), TimeSpan.FromMinutes(options.WindowMinutes), ExpireWhen.HasNoExpiry);
    }

    private static RedisKey Key(string ip) => $"auth:reg:ip:{ip}";
}
