using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Mall.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.OrderWriter;

public sealed record SeckillResultMessage(string ReservationId, string Status, string? OrderNo);

/// <summary>
/// Writes a batch of reservations as PendingPayment orders: one multi-row INSERT IGNORE for the orders (the
/// unique reservation id makes a replay a no-op) and one INSERT ... SELECT for their items, in one transaction
/// and one round trip; then confirms the log entries (XDEL, then XACK) and tells each shopper over SignalR.
/// Used by the writer (fresh reservations) and by recovery (re-driven ones) alike.
/// </summary>
public sealed class OrderBatchWriter(MySqlDataSource db, IDatabase redis, IHubContext<MallHub> hub, ActivityQueries activities,
    Recovery.InFlightReservations inFlight, SeckillOptions options, ILogger<OrderBatchWriter> logger)
{
    private const string InsertOrdersHead = "INSERT IGNORE INTO orders (order_no, user_id, kind, status, total_cents, activity_id, " +
                                            "reservation_id, created_at, updated_at, expires_at) VALUES ";
    private static readonly ConcurrentDictionary<int, string> SqlBySize = new();

    public async Task WriteAsync(IReadOnlyList<Reservation> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        // One key order for every writer: two instances replaying overlapping batches then wait, not deadlock.
        batch = batch.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var started = Stopwatch.GetTimestamp();
        await InsertAsync(batch, ct);
        inFlight.Written(batch);
        await ConfirmAsync(batch);
        SeckillMetrics.WriteSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        SeckillMetrics.BatchSize.Observe(batch.Count);
        SeckillMetrics.OrdersWritten.Inc(batch.Count);
        await NotifyAsync(batch);
    }

    private async Task InsertAsync(IReadOnlyList<Reservation> batch, CancellationToken ct)
    {
        // Each activity's own payment window (a batch nearly always holds one activity; its row is cached per instance).
        var windows = new Dictionary<long, TimeSpan>();
        foreach (var activityId in batch.Select(r => r.ActivityId).Distinct())
            windows[activityId] = await activities.PaymentWindowAsync(activityId, ct) ?? options.OrderExpiry;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new MySqlCommand(Sql(batch.Count), connection, transaction);
        var parameters = command.Parameters;
        for (var i = 0; i < batch.Count; i++)
        {
            var r = batch[i];
            parameters.AddWithValue(Name("n", i), r.OrderNo);
            parameters.AddWithValue(Name("u", i), r.UserId);
            parameters.AddWithValue(Name("t", i), r.PriceCents * r.Quantity);
            parameters.AddWithValue(Name("a", i), r.ActivityId);
            parameters.AddWithValue(Name("r", i), r.Id);
            parameters.AddWithValue(Name("c", i), r.At);
            parameters.AddWithValue(Name("e", i), r.At + windows[r.ActivityId]);
        }
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private async Task ConfirmAsync(IReadOnlyList<Reservation> batch)
    {
        var confirmations = new List<Task>();
        foreach (var activity in batch.GroupBy(r => r.ActivityId))
        {
            var keys = new ActivityKeys(activity.Key);
            var ids = activity.Select(r => (RedisValue)r.EntryId).ToArray();
            // XDEL before XACK: recovery can no longer pick the entry up once it is deleted, and the XACK then
            // clears it from the pending list if recovery had already parked it there. Both go out pipelined.
            confirmations.Add(redis.StreamDeleteAsync(keys.Log, ids));
            confirmations.Add(redis.StreamAcknowledgeAsync(keys.Log, ActivityKeys.ConsumerGroup, ids));
        }
        try
        {
            await Task.WhenAll(confirmations);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The orders are committed; an unconfirmed entry is only replayed (harmlessly) by recovery.
            logger.LogWarning(e, "Could not confirm {Count} seckill log entries; recovery will replay them", batch.Count);
        }
    }

    private async Task NotifyAsync(IReadOnlyList<Reservation> batch)
    {
        try
        {
            var sends = new Task[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var r = batch[i];
                sends[i] = hub.Clients.User(r.UserId.ToString()).SendAsync(MallHub.Messages.SeckillResult,
                    new SeckillResultMessage(r.Id, "OrderCreated", r.OrderNo));
            }
            await Task.WhenAll(sends);
        }
        catch (Exception e)
        {
            // Shoppers can still poll GET /seckill/reservations/{id}; a lost push is not a lost order.
            logger.LogWarning(e, "Could not push SeckillResult for a batch of {Count}", batch.Count);
        }
    }

    private static string Name(string prefix, int index) => prefix + index;

    // The statement depends only on the batch size: build each size once.
    private static string Sql(int size) => SqlBySize.GetOrAdd(size, static n =>
    {
        var sql = new StringBuilder(InsertOrdersHead, 200 + n * 120);
        for (var i = 0; i < n; i++)
        {
            if (i > 0) sql.Append(',');
            sql.Append("(@").Append(Name("n", i)).Append(",@").Append(Name("u", i))
               .Append(",'seckill','PendingPayment',@").Append(Name("t", i)).Append(",@").Append(Name("a", i))
               .Append(",@").Append(Name("r", i)).Append(",@").Append(Name("c", i)).Append(",@").Append(Name("c", i))
               .Append(",@").Append(Name("e", i)).Append(')');
        }
        sql.Append(";\n").Append(Resources.Text("Features/Seckill/OrderWriter/InsertItems.sql").TrimEnd()).Append(" (");
        for (var i = 0; i < n; i++)
        {
            if (i > 0) sql.Append(',');
            sql.Append('@').Append(Name("r", i));
        }
        return sql.Append(");").ToString();
    });
}
