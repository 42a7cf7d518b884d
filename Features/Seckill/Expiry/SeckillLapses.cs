using StackExchange.Redis;

namespace Mall.Features.Seckill.Expiry;

/// <summary>
/// Shoppers who let seckill orders lapse: a bot that grabs units and never pays holds each for the payment window,
/// then grabs again. Each lapse is counted per shopper for Seckill:LapseWindow; at Seckill:LapsesBeforeCooldown the
/// shopper gets no seckill token for Seckill:Cooldown. Kept in Redis, so every instance agrees.
/// </summary>
public sealed class SeckillLapses(IDatabase redis, SeckillOptions options)
{
    // Counts a lapse; at the limit, starts the cool-down. Both keys are the shopper's.
    private static readonly LuaScript Record = LuaScript.Prepare("""
        local count = redis.call('INCR', @lapses)
        if redis.call('TTL', @lapses) < 0 then redis.call('EXPIRE', @lapses, @window) end
        if tonumber(@limit) > 0 and count >= tonumber(@limit) then redis.call('SET', @cooldown, '1', 'EX', @cooldownSeconds) end
        return count
        """);

    public Task RecordAsync(long userId) => redis.ScriptEvaluateAsync(Record, new
    {
        lapses = LapsesKey(userId), cooldown = CooldownKey(userId), window = (long)options.LapseWindow.TotalSeconds,
        limit = options.LapsesBeforeCooldown, cooldownSeconds = Math.Max(1, (long)options.Cooldown.TotalSeconds),
    });

    /// <summary>How long the shopper stays cooled down; null when not.</summary>
    public Task<TimeSpan?> CooldownLeftAsync(long userId) => redis.KeyTimeToLiveAsync(CooldownKey(userId));

    // Hash-tagged by shopper, so both keys of one script share a cluster slot.
    private static RedisKey LapsesKey(long userId) => $"sk:{{u{userId}}}:lapses";
    private static RedisKey CooldownKey(long userId) => $"sk:{{u{userId}}}:cooldown";
}
