using Dapper;
using Mall.Features.Catalog;
using Mall.Features.Orders;
using Mall.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using MySqlConnector;

namespace Mall.Features.Payments;

public enum SettleOutcome { Paid, Duplicate, Refunding, UnknownPayment, AmountMismatch }

/// <summary>The providers this shop has credentials for (or the sandbox stands in for), by name.</summary>
public sealed class PaymentProviders(IServiceProvider services)
{
    // Resolved on first use: in the sandbox that is what generates its keys.
    private readonly Lazy<Dictionary<string, IPaymentProvider>> byName =
        new(() => services.GetServices<IPaymentProvider>().ToDictionary(p => p.Name));

    public IPaymentProvider? Find(string name) => byName.Value.GetValueOrDefault(name);

    public IPaymentProvider Get(string name) => byName.Value.TryGetValue(name, out var provider)
        ? provider
        : throw new InvalidOperationException($"Payment provider '{name}' is not configured.");
}

/// <summary>
/// Turns a verified "the money arrived" fact into state, at most once in effect. The payment row is locked
/// first, then MarkPaid moves the order in the same transaction (stock sold, points granted). Money for an
/// order that can no longer be paid (cancelled, or already paid by another payment) is recorded and refunded,
/// never used to resurrect the order.
/// </summary>
public sealed class PaymentSettlement(MySqlDataSource db, TimeProvider clock, IHubContext<MallHub> hub, PaymentProviders providers,
    IEnumerable<IRefundConfirmation> confirmations, CatalogCache catalog, ILogger<PaymentSettlement> logger)
{
    private const string LockPayment = """
        SELECT id AS Id, order_no AS OrderNo, user_id AS UserId, amount_cents AS AmountCents, status AS Status
        FROM payments WHERE payment_no = @PaymentNo AND provider = @Provider FOR UPDATE
        """;

    private const string MarkPaymentPaid = """
        UPDATE payments SET status = 'Paid', provider_trade_no = @TradeNo, paid_at = @Now, updated_at = @Now
        WHERE id = @Id AND status = @Status
        """;

    private const string MarkPaymentForRefund = """
        UPDATE payments SET status = 'RefundPending', provider_trade_no = @TradeNo, paid_at = @Now, refund_no = @RefundNo, updated_at = @Now
        WHERE id = @Id AND status = @Status
        """;

    private const string FindRefundable = """
        SELECT provider AS Provider, refund_no AS RefundNo, amount_cents AS AmountCents
        FROM payments WHERE payment_no = @PaymentNo AND status IN ('RefundPending', 'Refunding')
        """;

    private const string MarkRefunded = """
        UPDATE payments SET status = 'Refunded', refunded_at = @Now, updated_at = @Now
        WHERE refund_no = @RefundNo AND provider = @Provider AND status IN ('RefundPending', 'Refunding')
        """;

    private const string MarkRefunding = """
        UPDATE payments SET status = 'Refunding', updated_at = @Now WHERE payment_no = @PaymentNo AND status IN ('RefundPending', 'Refunding')
        """;

    private const string RefundKnown = "SELECT COUNT(*) FROM payments WHERE refund_no = @RefundNo AND provider = @Provider";

    public async Task<SettleOutcome> ApplyPaidAsync(string provider, string paymentNo, string? providerTradeNo, long amountCents,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        MarkPaidResult marked;
        string orderNo;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var payment = await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(LockPayment,
                new { PaymentNo = paymentNo, Provider = provider }, transaction, cancellationToken: ct));
            if (payment is null) return SettleOutcome.UnknownPayment;
            if (payment.AmountCents != amountCents)
            {
                logger.LogWarning("Payment {PaymentNo}: notified amount {Notified} differs from {Expected}; ignored",
                    paymentNo, amountCents, payment.AmountCents);
                return SettleOutcome.AmountMismatch;
            }
            if (payment.Status is not ("Pending" or "Closed")) return SettleOutcome.Duplicate;

            orderNo = payment.OrderNo;
            marked = await MarkPaid.ExecuteAsync(connection, transaction, payment.OrderNo, now, ct);
            var args = new { payment.Id, payment.Status, TradeNo = providerTradeNo, Now = now, RefundNo = "R" + paymentNo[1..] };
            await connection.ExecuteAsync(new CommandDefinition(marked.Outcome == MarkPaidOutcome.Paid ? MarkPaymentPaid : MarkPaymentForRefund,
                args, transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
        }

        if (marked.Outcome != MarkPaidOutcome.Paid)
        {
            logger.LogWarning("Payment {PaymentNo} arrived for order in state {Outcome}; refunding it", paymentNo, marked.Outcome);
            await TryRefundAsync(paymentNo, ct);
            return SettleOutcome.Refunding;
        }
        PaymentMetrics.Paid.WithLabels(provider).Inc();
        try
        {
            // Product pages show the sales count: the sale shows at once rather than after the cache's lifetime.
            await catalog.StockChangedAsync(marked.ProductIds ?? []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not refresh the cached product pages after payment {PaymentNo}", paymentNo);
        }
        try
        {
            await hub.Clients.User(marked.UserId.ToString()).SendAsync(MallHub.Messages.OrderStatusChanged,
                new { orderNo, status = "Paid" }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The order is paid either way; the SPA also polls GET /payments/{no}.
            logger.LogWarning(e, "Could not push OrderStatusChanged for payment {PaymentNo}", paymentNo);
        }
        return SettleOutcome.Paid;
    }

    /// <summary>Asks the provider to refund a payment marked for refund; the worker retries on failure.</summary>
    public async Task TryRefundAsync(string paymentNo, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RefundRow>(new CommandDefinition(FindRefundable, new { PaymentNo = paymentNo },
            cancellationToken: ct));
        if (row is null) return;
        try
        {
            var state = await providers.Get(row.Provider).RefundAsync(paymentNo, row.RefundNo, row.AmountCents, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            if (state == RefundState.Succeeded)
                await connection.ExecuteAsync(new CommandDefinition(MarkRefunded, new { row.RefundNo, row.Provider, Now = now }, cancellationToken: ct));
            else
                await connection.ExecuteAsync(new CommandDefinition(MarkRefunding, new { PaymentNo = paymentNo, Now = now }, cancellationToken: ct));
            PaymentMetrics.Refunds.WithLabels(row.Provider).Inc();
        }
        catch (PaymentProviderException e)
        {
            logger.LogWarning(e, "Refund of payment {PaymentNo} failed; the worker will retry", paymentNo);
        }
    }

    /// <summary>
    /// A refund notification: true when the refund is ours (now or already marked refunded) — a payment's automatic
    /// refund, or one another feature asked for (<see cref="IRefundConfirmation"/>, e.g. after-sales).
    /// </summary>
    public async Task<bool> ApplyRefundedAsync(string provider, string refundNo, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var args = new { RefundNo = refundNo, Provider = provider, Now = clock.GetUtcNow().UtcDateTime };
            if (await connection.ExecuteAsync(new CommandDefinition(MarkRefunded, args, cancellationToken: ct)) == 1) return true;
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(RefundKnown, args, cancellationToken: ct)) > 0) return true;
        }
        foreach (var confirmation in confirmations)
            if (await confirmation.ConfirmAsync(provider, refundNo, ct)) return true;
        return false;
    }

    private sealed record PaymentRow(long Id, string OrderNo, long UserId, long AmountCents, string Status);
    private sealed record RefundRow(string Provider, string RefundNo, long AmountCents);
}

/// <summary>
/// A feature that asks for refunds of its own (numbers not in the payments table) learns of their confirmation
/// here: true when the refund number is its own (confirmed now or before).
/// </summary>
public interface IRefundConfirmation
{
    Task<bool> ConfirmAsync(string provider, string refundNo, CancellationToken ct);
}

public static class PaymentMetrics
{
    /// <summary>Creates the series of both providers at start, so alert rules and dashboards see their zero.</summary>
    public static void Publish()
    {
        foreach (var provider in new[] { Providers.WeChatPay, Providers.Alipay })
        {
            Paid.WithLabels(provider).Publish();
            Refunds.WithLabels(provider).Publish();
            RejectedNotifications.WithLabels(provider, "processing").Publish();
        }
    }

    public static readonly Prometheus.Counter Paid = Prometheus.Metrics.CreateCounter("mall_payments_paid_total",
        "Payments that moved an order to Paid.", "provider");
    public static readonly Prometheus.Counter Refunds = Prometheus.Metrics.CreateCounter("mall_payments_refunds_total",
        "Automatic refunds accepted by the provider.", "provider");
    public static readonly Prometheus.Counter RejectedNotifications = Prometheus.Metrics.CreateCounter(
        "mall_payments_notifications_rejected_total", "Notifications refused (verification or business checks).", "provider", "reason");
}
