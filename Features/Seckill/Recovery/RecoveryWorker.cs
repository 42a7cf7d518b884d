using Dapper;
using Mall.Features.Seckill.Admin.PublishActivity;
using Mall.Features.Seckill.OrderWriter;
using Mall.Infrastructure;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Recovery;

/// <summary>
/// Re-drives reservations that no writer confirmed: the instance crashed before writing, the database was
/// down longer than the writer's retries, or the channel was full. Every instance runs it. Per activity log:
/// XREADGROUP parks new entries in this instance's pending list (nothing is written yet); XAUTOCLAIM then takes
/// entries that stayed pending longer than the grace period — from any consumer, dead instances included — and
/// writes them through the same idempotent batch insert. A writer's XDEL + XACK removes an entry from both
/// the log and the pending list, so a healthy pipeline leaves recovery nothing to claim. Nothing is parked
/// while the log's oldest entry is younger than the grace period, so a re-drive happens between one and two
/// grace periods after the reservation. Each pass first finishes operator changes whose Redis half did not happen
/// (<see cref="Publisher.CatchUpAsync"/>: MySQL committed, then the instance crashed or Redis was unreachable).
/// </summary>
public sealed class RecoveryWorker(MySqlDataSource db, IDatabase redis, OrderBatchWriter writer, Publisher publisher, SeckillOptions options,
    TimeProvider clock, ILogger<RecoveryWorker> logger) : BackgroundService
{
    private const string RecentActivities = """
        SELECT id FROM seckill_activities WHERE published_at IS NOT NULL AND ends_at > @Since
        """;

    // Unique per process: XAUTOCLAIM moves entries between consumers by name.
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPasses.RunAsync(options.Recovery.Interval, async ct =>
        {
            await publisher.CatchUpAsync(ct);
            await RecoverAsync(ct);
        }, logger, "Seckill recovery pass", stoppingToken, atStart: true);

    /// <summary>One pass over every recent activity; returns how many reservations it re-drove.</summary>
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        IEnumerable<long> activityIds;
        await using (var connection = await db.OpenConnectionAsync(ct))
            activityIds = await connection.QueryAsync<long>(new CommandDefinition(RecentActivities,
                new { Since = (clock.GetUtcNow() - options.Lookback).UtcDateTime }, cancellationToken: ct));

        var total = 0;
        foreach (var activityId in activityIds) total += await RecoverActivityAsync(new ActivityKeys(activityId), ct);
        return total;
    }

    private async Task<int> RecoverActivityAsync(ActivityKeys keys, CancellationToken ct)
    {
        // Anything that needs recovery is older than the grace period, and the oldest entry of the log is the
        // oldest unconfirmed reservation: while it is younger, a healthy pipeline is keeping up — one cheap read.
        var oldest = await redis.StreamRangeAsync(keys.Log, "-", "+", 1);
        if (oldest.Length == 0 || (long)oldest[0]["t"] > (clock.GetUtcNow() - options.Recovery.GracePeriod).ToUnixTimeMilliseconds())
            return 0;
        await ParkNewEntriesAsync(keys);
        var graceMs = (long)options.Recovery.GracePeriod.TotalMilliseconds;
        var total = 0;
        RedisValue start = "0-0";
        // Batches are written concurrently (up to Recovery:WritesInFlight): while MySQL commits one, the next is
        // claimed and its statement built, so a large backlog drains at the database's pace, not at one round trip's.
        // Their reservations are disjoint and each insert is idempotent, so the order they commit in does not matter.
        var writes = new List<Task>();
        try
        {
            do
            {
                var claimed = await redis.StreamAutoClaimAsync(keys.Log, ActivityKeys.ConsumerGroup, _consumer, graceMs, start,
                    options.Recovery.BatchSize);
                var batch = claimed.ClaimedEntries.Where(e => !e.IsNull).Select(e => Reservation.FromEntry(keys.ActivityId, e)).ToList();
                if (batch.Count > 0)
                {
                    if (writes.Count >= Math.Max(1, options.Recovery.WritesInFlight))
                    {
                        var done = await Task.WhenAny(writes);
                        writes.Remove(done);
                        await done;
                    }
                    writes.Add(RedriveAsync(batch, ct));
                    total += batch.Count;
                }
                start = claimed.NextStartId;
            } while (start != "0-0" && !ct.IsCancellationRequested);
        }
        finally
        {
            // A failed write leaves its entries pending: the next pass claims them again.
            await Task.WhenAll(writes);
        }
        return total;
    }

    private async Task RedriveAsync(List<Reservation> batch, CancellationToken ct)
    {
        await writer.WriteAsync(batch, ct);
        SeckillMetrics.Redriven.Inc(batch.Count);
    }

    private async Task ParkNewEntriesAsync(ActivityKeys keys)
    {
        try
        {
            while ((await redis.StreamReadGroupAsync(keys.Log, ActivityKeys.ConsumerGroup, _consumer, ">", 1000)).Length == 1000)
            {
            }
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // Published before the group existed, or the log was removed by hand: the group starts from the beginning.
            await redis.StreamCreateConsumerGroupAsync(keys.Log, ActivityKeys.ConsumerGroup, "0", createStream: true);
        }
    }
}
