using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Mall.Features.Seckill;

/// <summary>
/// The Redis keys of one activity. One hash tag per activity ({a42}) keeps every key a script touches in one
/// Redis Cluster slot; the app-wide key prefix is added by the prefixed IDatabase.
/// </summary>
public sealed class ActivityKeys(long activityId)
{
    public const string ConsumerGroup = "writers";

    private readonly string _tag = $"sk:{{a{activityId}}}:";

    public long ActivityId => activityId;
    // Built once per activity: the attempt path then allocates only the per-user/token/IP keys.
    public RedisKey Meta { get; } = $"sk:{{a{activityId}}}:meta";
    public RedisKey Stock { get; } = $"sk:{{a{activityId}}}:stock";
    public RedisKey Buyers { get; } = $"sk:{{a{activityId}}}:buyers";
    public RedisKey Log { get; } = $"sk:{{a{activityId}}}:log";
    public RedisKey Returned { get; } = $"sk:{{a{activityId}}}:returned";
    /// <summary>Set for 100 ms, never replicated nor persisted, once Attempt.lua has found its Redis process is meta.node.</summary>
    public RedisKey VerifiedHere { get; } = $"sk:{{a{activityId}}}:here";
    /// <summary>Attempts by result, summed over every instance (each flushes its own counts, see SeckillRealtime).</summary>
    public RedisKey Attempts { get; } = $"sk:{{a{activityId}}}:attempts";
    public RedisKey Token(string token) => _tag + "tok:" + token;
    public RedisKey UserRate(long userId) => _tag + "rl:u:" + userId;
    public RedisKey UserTokenRate(long userId) => _tag + "rl:t:" + userId;
    public RedisKey IpRate(string ip) => _tag + "rl:ip:" + ip;
}

/// <summary>
/// What this instance knows about one activity without asking Redis: its keys, the sold-out short-circuit and
/// the last stock it saw (broadcast, throttled, as ActivityStock).
/// </summary>
public sealed class ActivityState(long activityId)
{
    // generation << 1 | soldOut: one word, so a reset that races a "sold out" answer is never overwritten.
    private long _flag;
    private long _stockLeft = -1;
    private int _stockDirty;
    // Counted in process (one interlocked add on the hot path) and flushed to Redis by SeckillRealtime's timer.
    private readonly long[] _attempts = new long[AttemptResults.Names.Length];

    public ActivityKeys Keys { get; } = new(activityId);
    public long ActivityId => activityId;
    public bool SoldOut => (Volatile.Read(ref _flag) & 1) == 1;
    public long Generation => Volatile.Read(ref _flag) >> 1;

    /// <summary>Sets the flag unless stock was returned since <paramref name="generation"/> was read.</summary>
    public void MarkSoldOut(long generation) => Interlocked.CompareExchange(ref _flag, generation << 1 | 1, generation << 1);

    public void ResetSoldOut()
    {
        long current;
        do current = Volatile.Read(ref _flag);
        while (Interlocked.CompareExchange(ref _flag, ((current >> 1) + 1) << 1, current) != current);
    }

    public void ObserveStock(long stockLeft)
    {
        Volatile.Write(ref _stockLeft, stockLeft);
        Volatile.Write(ref _stockDirty, 1);
    }

    public void Count(AttemptResult result) => Interlocked.Increment(ref _attempts[(int)result]);

    /// <summary>The attempts counted since the last call, by result (indexed like <see cref="AttemptResults.Names"/>).</summary>
    public long[] TakeAttempts()
    {
        var taken = new long[_attempts.Length];
        for (var i = 0; i < taken.Length; i++) taken[i] = Interlocked.Exchange(ref _attempts[i], 0);
        return taken;
    }

    /// <summary>Puts counts back that could not be flushed (Redis unreachable); the next tick tries again.</summary>
    public void Restore(long[] counts)
    {
        for (var i = 0; i < counts.Length; i++)
            if (counts[i] != 0) Interlocked.Add(ref _attempts[i], counts[i]);
    }

    /// <summary>The stock seen since the last call, if it changed.</summary>
    public bool TryTakeStockChange(out long stockLeft)
    {
        stockLeft = Volatile.Read(ref _stockLeft);
        return Interlocked.Exchange(ref _stockDirty, 0) == 1;
    }
}

/// <summary>What an attempt came to; the names are the result labels of mall_seckill_attempts_total.</summary>
public enum AttemptResult
{
    Accepted, SoldOut, SoldOutLocal, Ended, NotStarted, LimitReached, BadToken, BadQuantity, RateLimited, Cancelled, Unavailable,
}

public static class AttemptResults
{
    public static readonly string[] Names =
    [
        "accepted", "sold_out", "sold_out_local", "ended", "not_started", "limit_reached", "bad_token", "bad_quantity", "rate_limited",
        "cancelled", "unavailable",
    ];
}

/// <summary>Per-instance activity states. Created only for activities Redis confirmed exist (no growth from random ids).</summary>
public sealed class ActivityStates
{
    private readonly ConcurrentDictionary<long, ActivityState> _states = new();

    public bool TryGet(long activityId, out ActivityState state) => _states.TryGetValue(activityId, out state!);

    public ActivityState Get(long activityId) => _states.GetOrAdd(activityId, static id => new ActivityState(id));

    public IEnumerable<ActivityState> All => _states.Values;

    public void ResetSoldOut(long activityId)
    {
        if (_states.TryGetValue(activityId, out var state)) state.ResetSoldOut();
    }

    public void ResetAll()
    {
        foreach (var state in _states.Values) state.ResetSoldOut();
    }
}
