using Dapper;
using Mall.Features.Catalog;
using Mall.Features.Orders;
using Mall.Features.Payments;
using Mall.Features.Payments.WeChatPay;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.AfterSales;

/// <summary>
/// Moves an after-sale's money back through the provider that took it, and books the refund once it is confirmed.
/// <see cref="SubmitAsync"/> asks the provider with the refund's fixed number (a retry never refunds twice);
/// <see cref="CompleteAsync"/> books a confirmed refund in one transaction — refund Succeeded, after-sale Refunded,
/// the order back where it was (or Refunded when everything paid went back), the returned items' stock and the
/// points earned on the refunded money taken back — each of the last two guarded by a unique key, so a repeated
/// confirmation (sync answer, notification, worker) changes nothing.
/// </summary>
public sealed class AfterSaleRefunds(MySqlDataSource db, PaymentProviders providers, IServiceProvider services, CatalogCache cache,
    OrderEvents events, TimeProvider clock, ILogger<AfterSaleRefunds> logger) : IRefundConfirmation
{
    private const string Submittable = """
        SELECT r.refund_no AS RefundNo, r.payment_no AS PaymentNo, r.provider AS Provider, r.amount_cents AS AmountCents,
               r.payment_cents AS PaymentCents, a.after_sale_no AS AfterSaleNo
        FROM refunds r JOIN after_sales a ON a.id = r.after_sale_id
        WHERE r.refund_no = @RefundNo AND r.status IN ('Pending', 'Processing')
        """;

    private const string MarkProcessing = """
        UPDATE refunds SET status = 'Processing', attempts = attempts + 1, last_error = NULL, updated_at = @Now
        WHERE refund_no = @RefundNo AND status IN ('Pending', 'Processing')
        """;

    private const string MarkFailedAttempt = """
        UPDATE refunds SET attempts = attempts + 1, last_error = @Error, updated_at = @Now
        WHERE refund_no = @RefundNo AND status IN ('Pending', 'Processing')
        """;

    private const string OrderOfRefund = "SELECT order_id FROM refunds WHERE refund_no = @RefundNo AND provider = @Provider";

    private const string LockOrder = """
        SELECT id AS Id, order_no AS OrderNo, user_id AS UserId, status AS Status, total_cents AS TotalCents FROM orders WHERE id = @OrderId FOR UPDATE
        """;

    private const string LockRefund = """
        SELECT r.id AS Id, r.status AS Status, r.after_sale_id AS AfterSaleId, r.amount_cents AS AmountCents,
               a.order_status_before AS OrderStatusBefore
        FROM refunds r JOIN after_sales a ON a.id = r.after_sale_id
        WHERE r.refund_no = @RefundNo FOR UPDATE
        """;

    private const string MarkSucceeded = """
        UPDATE refunds SET status = 'Succeeded', succeeded_at = @Now, updated_at = @Now WHERE id = @RefundId AND status <> 'Succeeded'
        """;

    private const string CloseAfterSale = """
        UPDATE after_sales SET status = 'Refunded', refunded_at = @Now, closed_at = @Now, open_order_id = NULL, updated_at = @Now
        WHERE id = @AfterSaleId AND status = 'Refunding'
        """;

    private const string RefundedOfOrder = "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS SIGNED) FROM refunds WHERE order_id = @OrderId AND status = 'Succeeded'";

    private const string MoveOrder = "UPDATE orders SET status = @Status, updated_at = @Now WHERE id = @OrderId AND status = 'Refunding'";

    private const string ReturnedItems = """
        SELECT sku_id AS SkuId, product_id AS ProductId, quantity AS Quantity FROM after_sale_items WHERE after_sale_id = @AfterSaleId ORDER BY sku_id
        """;

    private const string ClaimStockReturn = """
        INSERT IGNORE INTO refund_stock_returns (refund_id, sku_id, quantity, created_at) VALUES (@RefundId, @SkuId, @Quantity, @Now)
        """;

    private const string ReturnStock = "UPDATE skus SET sold = sold - @Quantity, updated_at = @Now WHERE id = @SkuId AND sold >= @Quantity";

    private const string LessSales = "UPDATE products SET sales = sales - LEAST(sales, @Quantity) WHERE id = @ProductId";

    // Points are 1 per whole yuan paid: after refunds the order is worth floor((paid - refunded) / 100), so a refund
    // takes back what that lowers beyond what earlier refunds took. Nothing when none were granted.
    private const string PointsOfOrder = """
        SELECT CAST(COALESCE(SUM(CASE WHEN reason = 'paid' THEN points ELSE 0 END), 0) AS SIGNED) AS Granted,
               CAST(COALESCE(-SUM(CASE WHEN reason = 'refund' THEN points ELSE 0 END), 0) AS SIGNED) AS TakenBack,
               CAST(COUNT(CASE WHEN reason = 'paid' THEN 1 END) AS SIGNED) AS PaidRows
        FROM points_ledger WHERE order_id = @OrderId
        """;

    private const string TakeBackPoints = """
        INSERT IGNORE INTO points_ledger (user_id, order_id, reason, points, refund_id, created_at)
        VALUES (@UserId, @OrderId, 'refund', @Points, @RefundId, @Now)
        """;

    private const string AddPoints = "UPDATE users SET points = points + @Points WHERE id = @UserId";

    private const string FindPaidPayment = """
        SELECT payment_no AS PaymentNo, provider AS Provider, amount_cents AS AmountCents
        FROM payments WHERE order_id = @OrderId AND status = 'Paid' ORDER BY paid_at, id LIMIT 1
        """;

    private const string InsertRefund = """
        INSERT INTO refunds (refund_no, after_sale_id, order_id, payment_no, provider, amount_cents, payment_cents, status, created_at, updated_at)
        VALUES (@RefundNo, @AfterSaleId, @OrderId, @PaymentNo, @Provider, @AmountCents, @PaymentCents, 'Pending', @Now, @Now)
        """;

    /// <summary>The payment that settled the order (a second payment of a paid order is refunded by payments itself).</summary>
    public static Task<PaidPayment?> PaidPaymentAsync(MySqlConnection connection, MySqlTransaction tx, long orderId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<PaidPayment?>(new CommandDefinition(FindPaidPayment, new { OrderId = orderId }, tx, cancellationToken: ct));

    /// <summary>Records an after-sale's refund (Pending) in the caller's transaction; <see cref="SubmitAsync"/> it after the commit.</summary>
    public static async Task<string> CreateAsync(MySqlConnection connection, MySqlTransaction tx, long afterSaleId, long orderId, PaidPayment payment,
        long amountCents, DateTime now, CancellationToken ct)
    {
        var refundNo = AfterSaleNumbers.NewRefundNo(now);
        await connection.ExecuteAsync(new CommandDefinition(InsertRefund, new
        {
            RefundNo = refundNo, AfterSaleId = afterSaleId, OrderId = orderId, payment.PaymentNo, payment.Provider, AmountCents = amountCents,
            PaymentCents = payment.AmountCents, Now = now,
        }, tx, cancellationToken: ct));
        return refundNo;
    }

    /// <summary>
    /// Asks the provider to refund; a confirmed answer books it at once. Any failure (the provider refusing or not
    /// answering, a timeout, the database briefly gone while booking) is logged and left to the worker, which asks
    /// again with the same number: the caller's own work is committed already and must not fail because of it.
    /// </summary>
    public async Task SubmitAsync(string refundNo, CancellationToken ct)
    {
        try
        {
            await SubmitOnceAsync(refundNo, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Refund {RefundNo} could not be submitted or booked now; the worker retries it", refundNo);
        }
    }

    private async Task SubmitOnceAsync(string refundNo, CancellationToken ct)
    {
        Submission? row;
        await using (var connection = await db.OpenConnectionAsync(ct))
            row = await connection.QuerySingleOrDefaultAsync<Submission>(new CommandDefinition(Submittable, new { RefundNo = refundNo }, cancellationToken: ct));
        if (row is null) return;

        RefundState state;
        try
        {
            var provider = providers.Get(row.Provider);
            var notifyUrl = row.Provider == Providers.WeChatPay ? services.GetService<WeChatPaySettings>()?.NotifyUrl + "/refund" : null;
            state = await provider.RefundAsync(new RefundRequest(row.PaymentNo, row.RefundNo, row.AmountCents, row.PaymentCents,
                $"售后 {row.AfterSaleNo} / after-sale refund", notifyUrl), ct);
        }
        catch (Exception e) when (e is PaymentProviderException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Refund {RefundNo} was not accepted by {Provider}; the worker asks again with the same number", refundNo, row.Provider);
            await using var connection = await db.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(MarkFailedAttempt, new
            {
                RefundNo = refundNo, Error = e.Message[..Math.Min(e.Message.Length, 300)], Now = clock.GetUtcNow().UtcDateTime,
            }, cancellationToken: ct));
            return;
        }

        PaymentMetrics.Refunds.WithLabels(row.Provider).Inc();
        if (state == RefundState.Succeeded)
        {
            await CompleteAsync(row.Provider, refundNo, ct);
            return;
        }
        await using (var connection = await db.OpenConnectionAsync(ct))
            await connection.ExecuteAsync(new CommandDefinition(MarkProcessing, new { RefundNo = refundNo, Now = clock.GetUtcNow().UtcDateTime },
                cancellationToken: ct));
    }

    public Task<bool> ConfirmAsync(string provider, string refundNo, CancellationToken ct) => CompleteAsync(provider, refundNo, ct);

    /// <summary>Books a refund the provider confirmed. False when the number is not one of ours.</summary>
    public async Task<bool> CompleteAsync(string provider, string refundNo, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        OrderRow order;
        string status;
        List<ItemRow> returned = [];
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var orderId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(OrderOfRefund, new { RefundNo = refundNo, Provider = provider },
                cancellationToken: ct));
            if (orderId is null) return false;

            await using var tx = await connection.BeginTransactionAsync(ct);
            // The order first, then the refund: the same order as the after-sale slices lock them in.
            order = await connection.QuerySingleAsync<OrderRow>(new CommandDefinition(LockOrder, new { OrderId = orderId }, tx, cancellationToken: ct));
            var refund = await connection.QuerySingleAsync<RefundRow>(new CommandDefinition(LockRefund, new { RefundNo = refundNo }, tx, cancellationToken: ct));
            if (await connection.ExecuteAsync(new CommandDefinition(MarkSucceeded, new { RefundId = refund.Id, Now = now }, tx, cancellationToken: ct)) == 0)
                return true;

            await connection.ExecuteAsync(new CommandDefinition(CloseAfterSale, new { refund.AfterSaleId, Now = now }, tx, cancellationToken: ct));
            var refunded = await connection.ExecuteScalarAsync<long>(new CommandDefinition(RefundedOfOrder, new { OrderId = order.Id }, tx, cancellationToken: ct));
            status = refunded >= order.TotalCents ? OrderStatus.Refunded : refund.OrderStatusBefore;
            await connection.ExecuteAsync(new CommandDefinition(MoveOrder, new { OrderId = order.Id, Status = status, Now = now }, tx, cancellationToken: ct));

            foreach (var item in await connection.QueryAsync<ItemRow>(new CommandDefinition(ReturnedItems, new { refund.AfterSaleId }, tx, cancellationToken: ct)))
            {
                var args = new { RefundId = refund.Id, item.SkuId, item.ProductId, item.Quantity, Now = now };
                if (await connection.ExecuteAsync(new CommandDefinition(ClaimStockReturn, args, tx, cancellationToken: ct)) == 0) continue;
                await connection.ExecuteAsync(new CommandDefinition(ReturnStock, args, tx, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(LessSales, args, tx, cancellationToken: ct));
                returned.Add(item);
            }

            var points = await connection.QuerySingleAsync<PointsRow>(new CommandDefinition(PointsOfOrder, new { OrderId = order.Id }, tx, cancellationToken: ct));
            var remaining = Math.Max(0, order.TotalCents - refunded) / 100;
            var takeBack = points.PaidRows == 0 ? 0 : Math.Max(0, points.Granted - remaining - points.TakenBack);
            if (takeBack > 0)
            {
                var args = new { order.UserId, OrderId = order.Id, Points = -takeBack, RefundId = refund.Id, Now = now };
                if (await connection.ExecuteAsync(new CommandDefinition(TakeBackPoints, args, tx, cancellationToken: ct)) == 1)
                    await connection.ExecuteAsync(new CommandDefinition(AddPoints, args, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }

        logger.LogInformation("Refund {RefundNo} confirmed; order {OrderNo} is {Status}", refundNo, order.OrderNo, status);
        if (returned.Count > 0) await cache.StockChangedAsync(returned.Select(i => i.ProductId).Distinct());
        await events.PublishAsync(order.UserId, order.OrderNo, status, "refund");
        return true;
    }

    private sealed record Submission(string RefundNo, string PaymentNo, string Provider, long AmountCents, long PaymentCents, string AfterSaleNo);
    private sealed record OrderRow(long Id, string OrderNo, long UserId, string Status, long TotalCents);
    private sealed record RefundRow(long Id, string Status, long AfterSaleId, long AmountCents, string OrderStatusBefore);
    private sealed record ItemRow(long SkuId, long ProductId, int Quantity);
    private sealed record PointsRow(long Granted, long TakenBack, long PaidRows);
}

public sealed record PaidPayment(string PaymentNo, string Provider, long AmountCents);

/// <summary>
/// Retries refunds the provider has not accepted yet, and re-asks (same number: the provider answers that refund's
/// state, moving nothing) about accepted ones whose confirmation never came. Idempotent, so any number of instances
/// may run it; it runs on the payments housekeeping period.
/// </summary>
public sealed class RefundWorker(MySqlDataSource db, AfterSaleRefunds refunds, PaymentsOptions options, TimeProvider clock,
    ILogger<RefundWorker> logger) : BackgroundService
{
    private const string Due = """
        SELECT refund_no FROM refunds
        WHERE status = 'Pending' OR (status = 'Processing' AND updated_at < @StaleBefore)
        ORDER BY id LIMIT 100
        """;

    /// <summary>How long a refund the provider accepted may wait for its confirmation before it is asked again.</summary>
    public static readonly TimeSpan ConfirmationWait = TimeSpan.FromMinutes(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPasses.RunAsync(options.WorkerInterval, ct => RunOnceAsync(ct), logger, "Refund retries", stoppingToken);

    public async Task RunOnceAsync(CancellationToken ct, TimeSpan? confirmationWait = null)
    {
        List<string> due;
        await using (var connection = await db.OpenConnectionAsync(ct))
            due = (await connection.QueryAsync<string>(new CommandDefinition(Due,
                new { StaleBefore = (clock.GetUtcNow() - (confirmationWait ?? ConfirmationWait)).UtcDateTime }, cancellationToken: ct))).ToList();
        foreach (var refundNo in due) await refunds.SubmitAsync(refundNo, ct);
    }
}
