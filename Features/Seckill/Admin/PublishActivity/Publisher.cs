using Dapper;
using Mall.Features.Seckill.Admin.CancelActivity;
using Mall.Features.Seckill.Expiry;
using Mall.Infrastructure;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin.PublishActivity;

/// <summary>
/// Brings Redis up to an activity's MySQL row. MySQL is always written first (publish, update and cancel commit their
/// row with version + 1); then this writes the window, limit, price and stock under the activity's hash tag and creates
/// the recovery consumer group on its log (Publish.lua, safe to repeat, never older over newer), or, for a cancelled
/// activity, finishes the cancel (<see cref="Canceller"/>); last it records warmed_version. A crash between the commit
/// and Redis leaves warmed_version &lt; version, and <see cref="CatchUpAsync"/> (run by every instance's recovery pass)
/// finishes the job.
/// </summary>
public sealed class Publisher(MySqlDataSource db, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix, SeckillScripts scripts,
    ActivityStates states, ActivityQueries activities, Canceller canceller, TimeProvider clock, ILogger<Publisher> logger)
{
    private const string FindActivity = """
        SELECT id AS Id, sku_id AS SkuId, price_cents AS PriceCents, stock AS Stock, limit_per_user AS LimitPerUser,
               starts_at AS StartsAt, ends_at AS EndsAt, published_at AS PublishedAt, cancelled_at AS CancelledAt,
               cancel_released_at AS CancelReleasedAt, version AS Version
        FROM seckill_activities WHERE id = @Id
        """;

    // The demo seeder's publish: idempotent, never over a cancel.
    private const string MarkPublished = """
        UPDATE seckill_activities SET published_at = COALESCE(published_at, @Now), version = version + 1, updated_at = @Now
        WHERE id = @Id AND cancelled_at IS NULL
        """;

    private const string MarkWarmed = "UPDATE seckill_activities SET warmed_version = @Version WHERE id = @Id AND warmed_version < @Version";

    private const string Behind = "SELECT id FROM seckill_activities WHERE warmed_version < version ORDER BY id LIMIT 100";

    /// <summary>Publishes (if not yet) and warms up; for the demo seeder, which may run on every start. Null for an unknown activity.</summary>
    public async Task<long?> PublishAsync(long activityId, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
            await connection.ExecuteAsync(new CommandDefinition(MarkPublished,
                new { Id = activityId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));
        return await WarmAsync(activityId, ct);
    }

    /// <summary>Applies the activity's MySQL row to Redis. Returns the stock now in Redis (0 once cancelled), or null for an
    /// unknown activity or a draft (nothing of a draft lives in Redis).</summary>
    public async Task<long?> WarmAsync(long activityId, CancellationToken ct)
    {
        ActivityRow? activity;
        await using (var connection = await db.OpenConnectionAsync(ct))
            activity = await connection.QuerySingleOrDefaultAsync<ActivityRow>(new CommandDefinition(FindActivity,
                new { Id = activityId }, cancellationToken: ct));
        if (activity is null) return null;

        long? stock = null;
        if (activity.CancelledAt is { } cancelledAt)
        {
            // A draft's cancel released its units in its own transaction; only a published one has Redis state to stop,
            // until its release is recorded (its keys may have expired after close-out since).
            if (activity.PublishedAt is not null && activity.CancelReleasedAt is null)
                await canceller.FinishAsync(activityId, activity.SkuId, activity.Stock, activity.Version, cancelledAt, ct);
            stock = 0;
        }
        else if (activity.PublishedAt is not null)
        {
            var keys = new ActivityKeys(activityId);
            stock = (long)await scripts.RunAsync(SeckillScripts.Publish,
                [keys.Meta, keys.Stock, keys.Buyers, keys.Log],
                [Ms(activity.StartsAt), Ms(activity.EndsAt), activity.LimitPerUser, activity.PriceCents, activity.Stock,
                 ActivityKeys.ConsumerGroup, activity.Version]);
            var state = states.Get(activityId);
            state.ObserveStock(stock.Value);
            state.ResetSoldOut();
            await multiplexer.GetSubscriber().PublishAsync(prefix.Channel(SeckillExpiry.StockReturnedChannel), activityId);
        }
        await using (var connection = await db.OpenConnectionAsync(ct))
            await connection.ExecuteAsync(new CommandDefinition(MarkWarmed, new { Id = activityId, activity.Version }, cancellationToken: ct));
        activities.Forget(activityId); // this instance shows the change at once; the others within ActivityRowsLifetime
        return stock;
    }

    /// <summary>Finishes changes whose Redis half did not happen (the instance crashed, Redis was briefly unreachable);
    /// returns how many activities it brought up to date.</summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        List<long> behind;
        await using (var connection = await db.OpenConnectionAsync(ct))
            behind = (await connection.QueryAsync<long>(new CommandDefinition(Behind, cancellationToken: ct))).ToList();
        var done = 0;
        foreach (var id in behind)
        {
            try
            {
                await WarmAsync(id, ct);
                done++;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or MySqlException)
            {
                logger.LogWarning(e, "Could not bring seckill activity {ActivityId} up to date in Redis; next pass", id);
            }
        }
        return done;
    }

    private static long Ms(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private sealed class ActivityRow
    {
        public long Id { get; set; }
        public long SkuId { get; set; }
        public long PriceCents { get; set; }
        public int Stock { get; set; }
        public int LimitPerUser { get; set; }
        public DateTime StartsAt { get; set; }
        public DateTime EndsAt { get; set; }
        public DateTime? PublishedAt { get; set; }
        public DateTime? CancelledAt { get; set; }
        public DateTime? CancelReleasedAt { get; set; }
        public int Version { get; set; }
    }
}
