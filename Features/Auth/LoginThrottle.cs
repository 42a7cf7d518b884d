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

    public enum Outcome { Proceed, NeedsChallenge, Locked }

    /// <summary>
    /// Counts the attempt against the address and the account, before the password is checked. An address over its
    /// threshold lets an attempt through only with a solved challenge (otherwise nothing is counted); a locked account
    /// answers with how long it stays locked, and that attempt is not counted either. The account is the one found
    /// (its user id, whatever spelling was typed) or, when none is, the canonical spelling tried.
    /// </summary>
    public async Task<(Outcome Outcome, TimeSpan Wait)> BeginAttemptAsync(LoginSubject account, string ip, bool challengeSolved)
    {
        var window = (long)Window.TotalSeconds;
        var counted = (long)await redis.ScriptEvaluateAsync(CountUnlessOver, new
        {
            key = IpKey(ip), limit = challengeSolved ? long.MaxValue : options.ChallengeAfterFailuresPerIp, window,
        });
        if (counted > 0) return (Outcome.NeedsChallenge, TimeSpan.Zero);

        var locked = (long)await redis.ScriptEvaluateAsync(CountUnlessOver, new
        {
            key = AccountKey(account), limit = options.MaxFailuresPerAccount, window,
        });
        if (locked == 0) return (Outcome.Proceed, TimeSpan.Zero);
        await redis.ScriptEvaluateAsync(GiveBack, new { key = IpKey(ip) });
        return (Outcome.Locked, TimeSpan.FromSeconds(locked));
    }

    // Atomic per key, so no guess in flight slips past a limit: 0 after counting the attempt, or (not counting it) the
    // remaining seconds of the window when the count is already at the limit.
    private static readonly LuaScript CountUnlessOver = LuaScript.Prepare("""
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

    private static RedisKey AccountKey(LoginSubject account) => account.UserId is { } id ? $"auth:fail:u:{id}" : $"auth:fail:a:{account.Canonical}";
    private static RedisKey IpKey(string ip) => $"auth:fail:ip:{ip}";
}

/// <summary>Whom a sign-in attempt is counted against: the account found, else the spelling tried.</summary>
public readonly record struct LoginSubject(long? UserId, string Canonical);
