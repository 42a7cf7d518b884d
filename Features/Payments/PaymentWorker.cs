using Dapper;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Payments;

/// <summary>
/// Housekeeping on a timer (any number of instances; every step is idempotent): closes the still-open payments
/// of orders that can no longer be paid (cancelled, expired, or paid through another payment), settling any
/// that turn out to be paid already, and retries refunds the provider has not accepted (or not confirmed) yet.
/// </summary>
public sealed class PaymentWorker(MySqlDataSource db, PaymentProviders providers, PaymentSettlement settlement, PaymentsOptions options,
    TimeProvider clock, ILogger<PaymentWorker> logger) : BackgroundService
{
    private const string OpenPaymentsOfDeadOrders = """
        SELECT p.payment_no AS PaymentNo, p.provider AS Provider
        FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE p.status = 'Pending' AND o.status <> 'PendingPayment'
        ORDER BY p.id LIMIT 100
        """;

    private const string MarkClosed = """
        UPDATE payments SET status = 'Closed', closed_at = @Now, updated_at = @Now WHERE payment_no = @PaymentNo AND status = 'Pending'
        """;

    // A refund the provider accepted but never confirmed (lost notification) is asked again with the same refund
    // number: the provider answers with that refund's state instead of moving money twice.
    private const string PendingRefunds = """
        SELECT payment_no FROM payments
        WHERE status = 'RefundPending' OR (status = 'Refunding' AND updated_at < @StaleBefore)
        ORDER BY id LIMIT 100
        """;

    private static readonly TimeSpan RefundConfirmationWait = TimeSpan.FromMinutes(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPasses.RunAsync(options.WorkerInterval, RunOnceAsync, logger, "Payment housekeeping", stoppingToken);

    public async Task RunOnceAsync(CancellationToken ct)
    {
        List<(string PaymentNo, string Provider)> open;
        List<string> refunds;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            open = (await connection.QueryAsync<(string PaymentNo, string Provider)>(new CommandDefinition(OpenPaymentsOfDeadOrders, cancellationToken: ct))).ToList();
            refunds = (await connection.QueryAsync<string>(new CommandDefinition(PendingRefunds,
                new { StaleBefore = (clock.GetUtcNow() - RefundConfirmationWait).UtcDateTime }, cancellationToken: ct))).ToList();
        }

        foreach (var (paymentNo, providerName) in open)
        {
            var provider = providers.Find(providerName);
            if (provider is null) continue;
            try
            {
                if (await provider.CloseAsync(paymentNo, ct))
                {
                    await using var connection = await db.OpenConnectionAsync(ct);
                    await connection.ExecuteAsync(new CommandDefinition(MarkClosed, new { PaymentNo = paymentNo, Now = clock.GetUtcNow().UtcDateTime },
                        cancellationToken: ct));
                    continue;
                }
                // The buyer paid before we could close: settle it (which refunds, since the order is gone).
                var status = await provider.QueryAsync(paymentNo, ct);
                if (status.State == TradeState.Paid)
                    await settlement.ApplyPaidAsync(providerName, paymentNo, status.ProviderTradeNo, status.AmountCents, ct);
            }
            catch (PaymentProviderException e)
            {
                logger.LogWarning(e, "Could not close payment {PaymentNo}; retrying next round", paymentNo);
            }
        }

        foreach (var paymentNo in refunds) await settlement.TryRefundAsync(paymentNo, ct);
    }
}
