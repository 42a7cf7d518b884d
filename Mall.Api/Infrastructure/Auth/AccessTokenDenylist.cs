using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// Access tokens that must stop working before they expire: one token (its <c>jti</c>), or a whole session (its
/// <c>sid</c>: sign-out, a reused refresh token, every session of an account that is disabled). Checking it must not cost a Redis round trip per request (the seckill hot path has a budget of exactly
/// one), so every instance keeps the lists in memory: it loads the sorted set "auth:denylist" (member, score = when the
/// entry may be forgotten) at start and after a reconnect, and hears changes on a pub/sub channel. Redis stays the
/// source of truth; the local copy is at most a pub/sub hop behind. An entry is kept for one access-token lifetime
/// (plus the clock skew): by then every token it refuses has expired anyway.
/// </summary>
public sealed class AccessTokenDenylist(IDatabase redis, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix, AuthOptions options,
    TimeProvider clock, ILogger<AccessTokenDenylist> logger) : BackgroundService
{
    private const string SetKey = "auth:denylist";
    private const string SessionMember = "s:";

    // Token ids (members without a prefix, as older instances wrote them) and session ids → Unix expiry.
    private readonly ConcurrentDictionary<string, long> _tokens = new();
    private readonly ConcurrentDictionary<string, long> _sessions = new();
    private RedisChannel Channel => prefix.Channel("auth:denylist");

    /// <summary>How long an entry outlives the moment it was made: the longest an access token issued before can live.</summary>
    private long WindowSeconds => options.AccessTokenMinutes * 60L + 31;

    private long Now => clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Whether a token is refused: itself, or the session it belongs to.</summary>
    public bool IsRevoked(string tokenId, string? sessionId)
    {
        var now = Now;
        return (_tokens.TryGetValue(tokenId, out var until) && until > now)
               || (sessionId is not null && _sessions.TryGetValue(sessionId, out until) && until > now);
    }

    public Task DenyAsync(string tokenId, DateTimeOffset expiresAt) => AddAsync(tokenId, expiresAt.ToUnixTimeSeconds());

    /// <summary>Every access token of this session (sign-in), now and until they would have expired.</summary>
    public Task RevokeSessionAsync(string sessionId) => AddAsync(SessionMember + sessionId, Now + WindowSeconds);

    private async Task AddAsync(string member, long until)
    {
        Apply(member, until);
        await redis.SortedSetAddAsync(SetKey, member, until);
        await multiplexer.GetSubscriber().PublishAsync(Channel, $"{member} {until}");
    }

    private void Apply(string member, long until)
    {
        if (member.StartsWith(SessionMember, StringComparison.Ordinal)) _sessions[member[SessionMember.Length..]] = until;
        else _tokens[member] = until;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await multiplexer.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
        {
            var parts = message.ToString().Split(' ');
            if (parts.Length == 2 && long.TryParse(parts[1], out var until)) Apply(parts[0], until);
        });
        multiplexer.ConnectionRestored += (_, _) => _ = LoadAsync();
        await LoadAsync();

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = Now;
            foreach (var (key, until) in _tokens) if (until <= now) _tokens.TryRemove(key, out _);
            foreach (var (key, until) in _sessions) if (until <= now) _sessions.TryRemove(key, out _);
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            var now = Now;
            await redis.SortedSetRemoveRangeByScoreAsync(SetKey, double.NegativeInfinity, now);
            foreach (var entry in await redis.SortedSetRangeByScoreWithScoresAsync(SetKey, now, double.PositiveInfinity))
                Apply(entry.Element.ToString(), (long)entry.Score);
        }
        // A timeout is a TimeoutException, not a RedisException: uncaught, it would stop the host from this background loop.
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Could not load the access-token denylist; retrying on the next tick");
        }
    }
}
