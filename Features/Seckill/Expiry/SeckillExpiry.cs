using System.Data;
using Dapper;
using Mall.Features.Orders.Expiry;
using Mall.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Expiry;

/// <summary>
/// Unpaid seckill orders expire in two steps. (1) A status CAS in MySQL: PendingPayment → Cancelled
/// ('expired'), which also sets stock_return_pending; only the instance whose UPDATE changed the row goes on.
/// (2) ReturnStock.lua gives the units back to Redis (the buyer's allowance stays spent), guarded by a per-reservation
/// "returned" marker inside the same script, so it happens exactly once however many instances race or retry;
/// then the marker in MySQL is cleared. A crash between the steps leaves stock_return_pending = 1, which the
/// next pass (any instance) finishes. The SKU's locked count is untouched: the unit is the activity's again.
/// Other instances hear about the returned stock on pub/sub and drop their sold-out short-circuit.
/// Each order is handled on its own: one that fails for something about itself (a poison row: no reservation id, a
/// statement the database refuses, a Redis script error) is counted, logged and left alone for a while
/// (<see cref="PoisonedOrders"/>), and the pass goes on with the others; only MySQL or Redis being away or busy
/// (<see cref="PoisonedOrders.IsTransient"/>) ends the pass, for the next one to try again.
/// </summary>
public sealed class SeckillExpiry(MySqlDataSource db, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix,
    SeckillScripts scripts, ActivityStates states, SeckillLapses lapses, IHubContext<MallHub> hub, SeckillOptions options, TimeProvider clock,
    ILogger<SeckillExpiry> logger)
{
    public const string StockReturnedChannel = "seckill:stock-returned";

    // Both queries read one batch per pass from a cursor that the next pass continues from (and that starts again
    // from the beginning after a short batch), so orders that keep failing (poison rows) cannot fill every batch:
    // each due order and each pending return comes up within a bounded number of passes, however many fail.
    private const string DueOrders = """
        SELECT id AS Id, order_no AS OrderNo, user_id AS UserId, expires_at AS ExpiresAt FROM orders
        WHERE status = 'PendingPayment' AND expires_at <= @Now AND kind = 'seckill'
          AND expires_at >= @AfterExpiresAt AND (expires_at > @AfterExpiresAt OR id > @AfterId)
        ORDER BY expires_at, id LIMIT @Limit
        """;

    private const string Cancel = """
        UPDATE orders SET status = 'Cancelled', cancel_reason = 'expired', cancelled_at = @Now, updated_at = @Now,
                          stock_return_pending = 1
        WHERE id = @Id AND status = 'PendingPayment' AND kind = 'seckill'
        """;

    private const string PendingReturns = """
        SELECT o.id AS OrderId, o.order_no AS OrderNo, o.user_id AS UserId, o.activity_id AS ActivityId,
               o.reservation_id AS ReservationId, i.quantity AS Quantity
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.stock_return_pending = 1 AND o.id > @After
        ORDER BY o.id
        LIMIT @Limit
        """;

    private sealed record DueOrder(long Id, string OrderNo, long UserId, DateTime ExpiresAt);

    private const string ReturnDone = "UPDATE orders SET stock_return_pending = 0 WHERE id = @Id";

    // A failing order is left alone for a while (each failure counted and logged once), the others go on.
    private readonly PoisonedOrders _failedCancels = new("seckill", clock, logger);
    private readonly PoisonedOrders _failedReturns = new("seckill", clock, logger);
    private ExpiryCursor _dueAfter = ExpiryCursor.Start;
    private long _returnsAfter;

    /// <summary>
    /// One pass: cancels the due orders and returns the stock of every cancelled-but-not-returned one, a batch of each in
    /// turn, until both are done or the pass has worked <see cref="SeckillOptions.ExpiryOptions.PassBudget"/> (a sale's
    /// unpaid orders fall due together: one batch per pass gave a 60,000-unit sale's lapsed units back over 25 minutes,
    /// no limit takes a core for a minute). The cursors keep their place for the next pass, and each runs at most once to
    /// its end in a pass, so rows that keep failing cannot keep it going. Returns how many orders' units went back.
    /// </summary>
    public async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        await using var connection = await db.OpenConnectionAsync(ct);
        bool cancelsLeft = true, returnsLeft = true;
        var returned = 0;
        while ((cancelsLeft || returnsLeft) && !ct.IsCancellationRequested)
        {
            if (cancelsLeft) cancelsLeft = await CancelDueBatchAsync(connection, ct) == options.Expiry.BatchSize;
            if (returnsLeft)
            {
                var (read, back) = await ReturnPendingAsync(connection, ct);
                returned += back;
                // While cancels go on they make new returns, so the returns' cursor may start over.
                returnsLeft = read == options.Expiry.BatchSize || cancelsLeft;
            }
            if (clock.GetElapsedTime(started) >= options.Expiry.PassBudget) break;
        }
        return returned;
    }

    /// <summary>One batch of due orders from the cursor, each cancelled on its own; returns how many were read.</summary>
    private async Task<int> CancelDueBatchAsync(MySqlConnection connection, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var after = Volatile.Read(ref _dueAfter);
        var due = (await connection.QueryAsync<DueOrder>(new CommandDefinition(DueOrders, new
        {
            Now = now, Limit = options.Expiry.BatchSize, AfterExpiresAt = after.ExpiresAt, AfterId = after.Id,
        }, cancellationToken: ct))).ToList();
        Volatile.Write(ref _dueAfter, due.Count < options.Expiry.BatchSize ? ExpiryCursor.Start : new ExpiryCursor(due[^1].ExpiresAt, due[^1].Id));
        // Racing passes (several instances) may deadlock on the status index; each statement is its own transaction.
        // Only the pass whose UPDATE changed the row counts the shopper's lapse.
        foreach (var order in due)
        {
            if (_failedCancels.IsResting(order.Id)) continue;
            try
            {
                if (await Deadlocks.RetryAsync(() => connection.ExecuteAsync(new CommandDefinition(Cancel, new { order.Id, Now = now }, cancellationToken: ct))) == 1)
                    await lapses.RecordAsync(order.UserId);
                _failedCancels.Forget(order.Id);
            }
            catch (Exception e) when (!PoisonedOrders.IsTransient(e) && connection.State == ConnectionState.Open)
            {
                _failedCancels.Failed(order.Id, order.OrderNo, e);
            }
        }
        return due.Count;
    }

    /// <summary>One batch of pending returns from the cursor; returns how many were read and how many went back.</summary>
    private async Task<(int Read, int Returned)> ReturnPendingAsync(MySqlConnection connection, CancellationToken ct)
    {
        var pending = (await connection.QueryAsync<PendingReturn>(new CommandDefinition(PendingReturns,
            new { After = Interlocked.Read(ref _returnsAfter), Limit = options.Expiry.BatchSize }, cancellationToken: ct))).ToList();
        Interlocked.Exchange(ref _returnsAfter, pending.Count < options.Expiry.BatchSize ? 0 : pending[^1].OrderId);
        var returned = 0;
        var restocked = new HashSet<long>();
        try
        {
            foreach (var order in pending)
            {
                if (_failedReturns.IsResting(order.OrderId)) continue;
                long stockLeft;
                try
                {
                    // Without its reservation id the return could not be marked, so it could not be made exactly once.
                    if (string.IsNullOrEmpty(order.ReservationId))
                        throw new InvalidOperationException($"Seckill order {order.OrderNo} has no reservation_id; its stock cannot be returned exactly once.");
                    stockLeft = await ReturnStockAsync(order.ActivityId, order.ReservationId, order.UserId, order.Quantity);
                    if (stockLeft >= 0) restocked.Add(order.ActivityId); // back in Redis, whatever happens to the flag below
                    await Deadlocks.RetryAsync(() => connection.ExecuteAsync(new CommandDefinition(ReturnDone, new { Id = order.OrderId }, cancellationToken: ct)));
                    _failedReturns.Forget(order.OrderId);
                }
                catch (Exception e) when (!PoisonedOrders.IsTransient(e) && connection.State == ConnectionState.Open)
                {
                    // A unit given back whose flag could not be cleared is safe: the marker makes the retry a no-op (-1).
                    _failedReturns.Failed(order.OrderId, order.OrderNo, e);
                    continue;
                }
                if (stockLeft < 0) continue;
                returned++;
                try
                {
                    await hub.Clients.User(order.UserId.ToString()).SendAsync(MallHub.Messages.OrderStatusChanged,
                        new { orderNo = order.OrderNo, status = "Cancelled" }, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The stock is back and the order cancelled; a missed push only means the page learns on its next poll.
                    // It must not end the pass and leave the returns after this one for the next.
                    logger.LogWarning(e, "Could not push OrderStatusChanged for {OrderNo}", order.OrderNo);
                }
            }
        }
        finally
        {
            // Other instances hear once per activity and batch, not once per order; also when a failure ends the pass, for
            // the units already back.
            foreach (var activityId in restocked) await AnnounceRestockAsync(activityId);
        }
        return (pending.Count, returned);
    }

    /// <summary>Returns the units of one reservation to Redis; -1 when they had already been returned. The other instances
    /// are told by the caller (<see cref="AnnounceRestockAsync"/>), once per activity and batch.</summary>
    internal async Task<long> ReturnStockAsync(long activityId, string reservationId, long userId, int quantity)
    {
        var keys = new ActivityKeys(activityId);
        var result = (long)await scripts.RunAsync(SeckillScripts.ReturnStock,
            [keys.Stock, keys.Buyers, keys.Returned], [reservationId, userId, quantity]);
        if (result < 0) return result;
        SeckillMetrics.Expired.Inc();
        states.Get(activityId).ObserveStock(result);
        states.ResetSoldOut(activityId);
        return result;
    }

    /// <summary>Every other instance drops its sold-out short-cut for the activity (SeckillRealtime listens).</summary>
    private Task AnnounceRestockAsync(long activityId) =>
        multiplexer.GetSubscriber().PublishAsync(prefix.Channel(StockReturnedChannel), activityId);

    private sealed record PendingReturn(long OrderId, string OrderNo, long UserId, long ActivityId, string? ReservationId, int Quantity);
}

/// <summary>
/// Runs the expiry pass, then the close-out of settled ended activities, every Expiry:Interval on every instance
/// (the CAS, the Lua markers and the conditional close make that safe).
/// </summary>
public sealed class ExpiryWorker(SeckillExpiry expiry, CloseOut.SeckillCloseOut closeOut, SeckillOptions options,
    ILogger<ExpiryWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPasses.RunAsync(options.Expiry.Interval, async ct =>
        {
            await expiry.ExpireDueAsync(ct);
            await closeOut.CloseEndedAsync(ct);
        }, logger, "Seckill expiry pass", stoppingToken);
}
