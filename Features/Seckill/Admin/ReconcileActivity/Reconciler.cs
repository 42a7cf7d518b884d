using Dapper;
using Mall.Infrastructure;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin.ReconcileActivity;

/// <param name="UnwrittenReservations">How many reservations (not units) wait in the log without an order yet.</param>
public sealed record Reconciliation(long ActivityId, long InitialStock, long RedisRemaining, long PendingReservations, long LiveOrders,
    long ReleasedToSku, long Drift, long UnwrittenReservations = 0);

/// <summary>
/// The invariant of an activity: initial stock = Redis remaining + reservations not yet written + units in
/// live (not cancelled) orders + units released to the SKU at close-out (0 until the activity is closed). The Redis half is read atomically (Snapshot.lua); an entry already written
/// but not yet confirmed is counted once, as an order. Drift is also exported as mall_seckill_stock_drift.
/// </summary>
public sealed class Reconciler(MySqlDataSource db, SeckillScripts scripts)
{
    private const string Initial = """
        SELECT stock AS Stock, released_units AS Released, closed_at IS NOT NULL AS Closed FROM seckill_activities WHERE id = @Id
        """;

    private const string Written = "SELECT reservation_id FROM orders WHERE reservation_id IN @Ids";

    private const string LiveUnits = """
        SELECT COALESCE(SUM(i.quantity), 0)
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.activity_id = @Id AND o.status <> 'Cancelled'
        """;

    public async Task<Reconciliation?> ReconcileAsync(long activityId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var activity = await connection.QuerySingleOrDefaultAsync<ActivityRow>(new CommandDefinition(Initial, new { Id = activityId }, cancellationToken: ct));
        if (activity is null) return null;
        var initial = activity.Stock;

        var keys = new ActivityKeys(activityId);
        var snapshot = (RedisResult[])(await scripts.RunAsync(SeckillScripts.Snapshot, [keys.Stock, keys.Log], []))!;
        // No stock key: never published (nothing sold; what was not released at close-out is still the activity's), or
        // closed out and expired since (close-out zeroed it).
        var remaining = snapshot[0].IsNull ? (activity.Closed ? 0 : initial - activity.Released) : (long)snapshot[0];
        var entries = ((RedisResult[])snapshot[1]!).Select(e =>
        {
            var entry = (RedisResult[])e!;
            var fields = (RedisResult[])entry[1]!;
            var quantity = 0L;
            for (var i = 0; i + 1 < fields.Length; i += 2)
                if ((string?)fields[i] == "q") quantity = (long)fields[i + 1];
            return (Id: $"{activityId}-{(string)entry[0]!}", Quantity: quantity);
        }).ToList();

        var written = new HashSet<string>();
        foreach (var chunk in entries.Chunk(1000))
            written.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(Written,
                new { Ids = chunk.Select(e => e.Id).ToArray() }, cancellationToken: ct)));
        var unwritten = entries.Where(e => !written.Contains(e.Id)).ToList();
        var pending = unwritten.Sum(e => e.Quantity);

        var live = await connection.ExecuteScalarAsync<long>(new CommandDefinition(LiveUnits, new { Id = activityId }, cancellationToken: ct));
        var drift = initial - (remaining + pending + live + activity.Released);
        SeckillMetrics.Drift.WithLabels(activityId.ToString()).Set(drift);
        return new Reconciliation(activityId, initial, remaining, pending, live, activity.Released, drift, unwritten.Count);
    }

    private sealed class ActivityRow
    {
        public long Stock { get; set; }
        public long Released { get; set; }
        public bool Closed { get; set; }
    }
}

/// <summary>
/// Keeps the drift gauge fresh for recent activities (every ReconcileInterval). An activity with more than
/// ReconcileMaxQueued reservations waiting in its log is left for a later pass: the snapshot reads the whole log in one
/// atomic call, and with the tens of thousands a burst queues that call held Redis, and every shopper's attempt with
/// it, for 20–180 ms (Redis slowlog during a 60,000-shopper run).
/// </summary>
public sealed class ReconcileWorker(MySqlDataSource db, Reconciler reconciler, IDatabase redis, SeckillOptions options, TimeProvider clock,
    ILogger<ReconcileWorker> logger) : BackgroundService
{
    private const string Recent = "SELECT id FROM seckill_activities WHERE published_at IS NOT NULL AND ends_at > @Since";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPasses.RunAsync(options.ReconcileInterval, PassAsync, logger, "Seckill reconciliation pass", stoppingToken);

    /// <summary>One pass over the recent activities; returns those deferred because too many reservations are queued.</summary>
    public async Task<IReadOnlyList<long>> PassAsync(CancellationToken ct)
    {
        IEnumerable<long> ids;
        await using (var connection = await db.OpenConnectionAsync(ct))
            ids = await connection.QueryAsync<long>(new CommandDefinition(Recent,
                new { Since = (clock.GetUtcNow() - options.Lookback).UtcDateTime }, cancellationToken: ct));
        var deferred = new List<long>();
        foreach (var id in ids)
        {
            var queued = await redis.StreamLengthAsync(new ActivityKeys(id).Log);
            if (queued > options.ReconcileMaxQueued)
            {
                logger.LogDebug("Reconciliation of seckill activity {ActivityId} deferred: {Queued} reservations queued", id, queued);
                deferred.Add(id);
                continue;
            }
            await reconciler.ReconcileAsync(id, ct);
        }
        return deferred;
    }
}
