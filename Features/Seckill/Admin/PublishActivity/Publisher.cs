using Dapper;
using Mall.Features.Seckill.Expiry;
using Mall.Infrastructure;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin.PublishActivity;

/// <summary>
/// Warm-up: writes an activity's window, limit, price and stock to Redis under its hash tag and creates the
/// recovery consumer group on its log (Publish.lua, safe to repeat), then marks it published in MySQL.
/// </summary>
public sealed class Publisher(MySqlDataSource db, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix, SeckillScripts scripts,
    ActivityStates states, ActivityQueries activities, TimeProvider clock)
{
    private const string FindActivity = """
        SELECT id AS Id, price_cents AS PriceCents, stock AS Stock, limit_per_user AS LimitPerUser,
               starts_at AS StartsAt, ends_at AS EndsAt
        FROM seckill_activities WHERE id = @Id
        """;

    private const string MarkPublished = "UPDATE seckill_activities SET published_at = @Now WHERE id = @Id";

    /// <summary>The stock now in Redis, or null for an unknown activity.</summary>
    public async Task<long?> PublishAsync(long activityId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var activity = await connection.QuerySingleOrDefaultAsync<ActivityRow>(new CommandDefinition(FindActivity,
            new { Id = activityId }, cancellationToken: ct));
        if (activity is null) return null;

        var keys = new ActivityKeys(activityId);
        var stock = (long)await scripts.RunAsync(SeckillScripts.Publish,
            [keys.Meta, keys.Stock, keys.Buyers, keys.Log],
            [Ms(activity.StartsAt), Ms(activity.EndsAt), activity.LimitPerUser, activity.PriceCents, activity.Stock, ActivityKeys.ConsumerGroup]);
        await connection.ExecuteAsync(new CommandDefinition(MarkPublished,
            new { Id = activityId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));

        activities.Forget(activityId); // this instance shows the change at once; the others within ActivityRowsLifetime
        var state = states.Get(activityId);
        state.ObserveStock(stock);
        state.ResetSoldOut();
        await multiplexer.GetSubscriber().PublishAsync(prefix.Channel(SeckillExpiry.StockReturnedChannel), activityId);
        return stock;
    }

    private static long Ms(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private sealed record ActivityRow(long Id, long PriceCents, int Stock, int LimitPerUser, DateTime StartsAt, DateTime EndsAt);
}
