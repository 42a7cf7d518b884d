using System.Data;
using Dapper;
using Mall.Features.Catalog;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Orders.Expiry;

/// <summary>
/// Cancels normal orders left unpaid past expires_at and releases their stock. Safe with any number of instances:
/// each batch claims its rows with FOR UPDATE SKIP LOCKED (another instance skips them instead of waiting), and
/// the status change is itself conditional, so stock is released exactly once per order. Seckill orders are left
/// to the seckill feature, which must also return their stock to Redis.
/// </summary>
public sealed class OrderExpiry(MySqlDataSource db, CatalogCache cache, OrderEvents events, OrderOptions options, TimeProvider clock)
{
    private const string ClaimExpired = """
        SELECT id AS Id, order_no AS OrderNo, user_id AS UserId FROM orders
        WHERE status = 'PendingPayment' AND kind = 'normal' AND expires_at <= @Now
        ORDER BY expires_at LIMIT @Batch
        FOR UPDATE SKIP LOCKED
        """;

    private const string MarkExpired = """
        UPDATE orders SET status = 'Cancelled', cancel_reason = 'expired', cancelled_at = @Now, updated_at = @Now
        WHERE id = @Id AND status = 'PendingPayment'
        """;

    private const string PurgeKeys = "DELETE FROM idempotency_keys WHERE created_at < @Cutoff LIMIT 1000";

    /// <summary>Forgets checkout answers older than Orders:IdempotencyKeyDays; returns how many.</summary>
    public async Task<int> PurgeIdempotencyKeysAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.IdempotencyKeyDays);
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(PurgeKeys, new { Cutoff = cutoff }, cancellationToken: ct));
    }

    /// <summary>Expires everything due now, batch by batch; returns how many orders it cancelled.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var total = 0;
        while (!ct.IsCancellationRequested)
        {
            var expired = await SweepBatchAsync(ct);
            total += expired;
            if (expired < options.ExpiryBatchSize) break;
        }
        return total;
    }

    private async Task<int> SweepBatchAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cancelled = new List<Claimed>();
        IReadOnlyList<long> products;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            // READ COMMITTED: no gap locks on the (status, expires_at) range, so checkouts inserting new orders never wait on us.
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            var claimed = (await connection.QueryAsync<Claimed>(new CommandDefinition(ClaimExpired,
                new { Now = now, Batch = options.ExpiryBatchSize }, tx, cancellationToken: ct))).ToList();
            if (claimed.Count == 0) return 0;
            foreach (var order in claimed)
                if (await connection.ExecuteAsync(new CommandDefinition(MarkExpired, new { order.Id, Now = now }, tx, cancellationToken: ct)) == 1)
                    cancelled.Add(order);
            products = await HeldStock.ReleaseAsync(connection, tx, cancelled.Select(o => o.Id).ToList(), now, ct);
            await tx.CommitAsync(ct);
        }
        await cache.StockChangedAsync(products);
        foreach (var order in cancelled)
            await events.PublishAsync(order.UserId, order.OrderNo, OrderStatus.Cancelled, "expired");
        return cancelled.Count;
    }

    private sealed record Claimed(long Id, string OrderNo, long UserId);
}

/// <summary>Runs <see cref="OrderExpiry"/> every Orders:ExpirySweepSeconds on every instance.</summary>
public sealed class OrderExpirySweeper(OrderExpiry expiry, OrderOptions options, ILogger<OrderExpirySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ExpirySweepSeconds <= 0) return;
        // Nothing is half-done by a failed sweep (one transaction per batch): the next tick tries again.
        await PeriodicPasses.RunAsync(TimeSpan.FromSeconds(options.ExpirySweepSeconds), async ct =>
        {
            var expired = await expiry.SweepAsync(ct);
            if (expired > 0) logger.LogInformation("Expired {Count} unpaid orders", expired);
            await expiry.PurgeIdempotencyKeysAsync(ct);
        }, logger, "Order expiry sweep", stoppingToken);
    }
}
