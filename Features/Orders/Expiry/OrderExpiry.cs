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
/// A batch the database refuses for something about one of its orders (a "poison" row: a stock counter that may not
/// go below zero, any other error tied to that row) is run again order by order, each in its own transaction, so
/// only that order fails; it is then left alone for a while (<see cref="PoisonedOrders"/>) and the sweep goes on
/// past it. A database that is away or busy (<see cref="PoisonedOrders.IsTransient"/>) fails the sweep as a whole,
/// and the next tick tries again.
/// </summary>
public sealed class OrderExpiry(MySqlDataSource db, CatalogCache cache, OrderEvents events, OrderOptions options, TimeProvider clock,
    ILogger<OrderExpiry> logger)
{
    // Keyset on (expires_at, id): each batch of a sweep starts after the last row the previous one claimed, so rows
    // that stay PendingPayment (poisoned ones) cannot hold the sweep on the same rows. The range matches the
    // (status, expires_at) index, whose entries end with the primary key, so the order needs no sort.
    private const string ClaimExpired = """
        SELECT id AS Id, order_no AS OrderNo, user_id AS UserId, expires_at AS ExpiresAt FROM orders
        WHERE status = 'PendingPayment' AND kind = 'normal' AND expires_at <= @Now
          AND expires_at >= @AfterExpiresAt AND (expires_at > @AfterExpiresAt OR id > @AfterId)
        ORDER BY expires_at, id LIMIT @Batch
        FOR UPDATE SKIP LOCKED
        """;

    private const string ClaimOne = """
        SELECT id FROM orders WHERE id = @Id AND status = 'PendingPayment' AND kind = 'normal' FOR UPDATE SKIP LOCKED
        """;

    private const string MarkExpired = """
        UPDATE orders SET status = 'Cancelled', cancel_reason = 'expired', cancelled_at = @Now, updated_at = @Now
        WHERE id = @Id AND status = 'PendingPayment'
        """;

    private const string PurgeKeys = "DELETE FROM idempotency_keys WHERE created_at < @Cutoff LIMIT 1000";

    private readonly PoisonedOrders _poisoned = new("normal", clock, logger);

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
        var after = ExpiryCursor.Start;
        while (!ct.IsCancellationRequested)
        {
            // A deadlock victim's batch was rolled back whole (nothing of it published): claiming it again is safe.
            var batch = await Deadlocks.RetryAsync(() => SweepBatchAsync(after, ct));
            total += batch.Cancelled;
            if (batch.Claimed < options.ExpiryBatchSize) break;
            after = batch.Last;
        }
        return total;
    }

    private async Task<Batch> SweepBatchAsync(ExpiryCursor after, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cancelled = new List<Claimed>();
        var products = new HashSet<long>();
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            List<Claimed> claimed, due;
            // READ COMMITTED: no gap locks on the (status, expires_at) range, so checkouts inserting new orders never wait on us.
            await using (var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct))
            {
                claimed = (await connection.QueryAsync<Claimed>(new CommandDefinition(ClaimExpired, new
                {
                    Now = now, Batch = options.ExpiryBatchSize, AfterExpiresAt = after.ExpiresAt, AfterId = after.Id,
                }, tx, cancellationToken: ct))).ToList();
                if (claimed.Count == 0) return new Batch(0, 0, after);
                // Orders that failed a moment ago are left alone until their retry time (still claimed: the cursor passes them).
                due = claimed.Where(o => !_poisoned.IsResting(o.Id)).ToList();
                try
                {
                    var batchCancelled = new List<Claimed>();
                    foreach (var order in due)
                        if (await connection.ExecuteAsync(new CommandDefinition(MarkExpired, new { order.Id, Now = now }, tx, cancellationToken: ct)) == 1)
                            batchCancelled.Add(order);
                    var released = await HeldStock.ReleaseAsync(connection, tx, batchCancelled.Select(o => o.Id).ToList(), now, ct);
                    await tx.CommitAsync(ct);
                    cancelled.AddRange(batchCancelled);
                    products.UnionWith(released);
                    foreach (var order in due) _poisoned.Forget(order.Id);
                    return new Batch(claimed.Count, cancelled.Count, new ExpiryCursor(claimed[^1].ExpiresAt, claimed[^1].Id));
                }
                catch (Exception e) when (due.Count > 0 && !PoisonedOrders.IsTransient(e) && connection.State == ConnectionState.Open)
                {
                    // Something about one order made the database refuse the batch: find which, one by one (below).
                    logger.LogWarning(e, "An expiry batch of {Count} orders failed; expiring them one by one", due.Count);
                    await tx.RollbackAsync(ct);
                }
            }

            foreach (var order in due)
            {
                try
                {
                    if (await Deadlocks.RetryAsync(() => ExpireOneAsync(connection, order, now, products, ct)))
                        cancelled.Add(order);
                    _poisoned.Forget(order.Id);
                }
                catch (Exception e) when (!PoisonedOrders.IsTransient(e) && connection.State == ConnectionState.Open)
                {
                    _poisoned.Failed(order.Id, order.OrderNo, e);
                }
            }
            return new Batch(claimed.Count, cancelled.Count, new ExpiryCursor(claimed[^1].ExpiresAt, claimed[^1].Id));
        }
        finally
        {
            // Whatever committed is told, even when a transient error ends the sweep half way through the one-by-one pass.
            if (products.Count > 0) await cache.StockChangedAsync(products.ToList());
            foreach (var order in cancelled)
                await events.PublishAsync(order.UserId, order.OrderNo, OrderStatus.Cancelled, "expired");
        }
    }

    /// <summary>One order in its own transaction; false when it is no longer there to expire (paid, or another instance has it).</summary>
    private async Task<bool> ExpireOneAsync(MySqlConnection connection, Claimed order, DateTime now, HashSet<long> products, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(ClaimOne, new { order.Id }, tx, cancellationToken: ct)) is null)
            return false;
        if (await connection.ExecuteAsync(new CommandDefinition(MarkExpired, new { order.Id, Now = now }, tx, cancellationToken: ct)) != 1)
            return false;
        var released = await HeldStock.ReleaseAsync(connection, tx, [order.Id], now, ct);
        await tx.CommitAsync(ct);
        products.UnionWith(released);
        return true;
    }

    private sealed record Claimed(long Id, string OrderNo, long UserId, DateTime ExpiresAt);

    private sealed record Batch(int Claimed, int Cancelled, ExpiryCursor Last);
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
