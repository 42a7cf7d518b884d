using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// Access tokens revoked by logout, until they expire. Checking it must not cost a Redis round trip per request
/// (the seckill hot path has a budget of exactly one), so every instance keeps the list in memory: it loads the
/// sorted set "auth:denylist" (member jti, score expiry) at start and after a reconnect, and hears new entries
/// on a pub/sub channel. Redis stays the source of truth; the local copy is at most a pub/sub hop behind.
/// </summary>
public sealed class AccessTokenDenylist(IDatabase redis, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix,
    TimeProvider clock, ILogger<AccessTokenDenylist> logger) : BackgroundService
{
    private const string SetKey = "auth:denylist";
    private readonly ConcurrentDictionary<string, long> _denied = new();
    private RedisChannel Channel => prefix.Channel("auth:denylist");

    public bool IsDenied(string tokenId) =>
        _denied.TryGetValue(tokenId, out var expiresAt) && expiresAt > clock.GetUtcNow().ToUnixTimeSeconds();

    public async Task DenyAsync(string tokenId, DateTimeOffset expiresAt)
    {
        var expiry = expiresAt.ToUnixTimeSeconds();
        _denied[tokenId] = expiry;
        await redis.SortedSetAddAsync(SetKey, tokenId, expiry);
        await multiplexer.GetSubscriber().PublishAsync(Channel, $"{tokenId} {expiry}");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await multiplexer.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
        {
            var parts = message.ToString().Split(' ');
            if (parts.Length == 2 && long.TryParse(parts[1], out var expiry)) _denied[parts[0]] = expiry;
        });
        multiplexer.ConnectionRestored += (_, _) => _ = LoadAsync();
        await LoadAsync();

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            foreach (var (tokenId, expiry) in _denied)
                if (expiry <= now) _denied.TryRemove(tokenId, out _);
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            await redis.SortedSetRemoveRangeByScoreAsync(SetKey, double.NegativeInfinity, now);
            foreach (var entry in await redis.SortedSetRangeByScoreWithScoresAsync(SetKey, now, double.PositiveInfinity))
                _denied[entry.Element.ToString()] = (long)entry.Score;
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Could not load the access-token denylist; retrying on the next tick");
        }
    }
}
