using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Payments.GetPayment;

public sealed class Endpoint(MySqlDataSource db, PaymentProviders providers, PaymentSettlement settlement, PaymentsOptions options,
    TimeProvider clock, ILogger<Endpoint> logger) : Endpoint<Request, Response>
{
    private const string Find = """
        SELECT payment_no AS PaymentNo, order_no AS OrderNo, user_id AS UserId, provider AS Provider, channel AS Channel,
               amount_cents AS AmountCents, status AS Status, created_at AS CreatedAt
        FROM payments WHERE payment_no = @PaymentNo
        """;

    public override void Configure()
    {
        Get("payments/{paymentNo}");
        Summary(s =>
        {
            s.Summary = "A payment's status";
            s.Description = "Status is Pending, Paid, Closed, RefundPending, Refunding or Refunded. Notifications normally settle a " +
                            "payment; when one is still Pending after a minute this call asks the provider itself (a late " +
                            "notification then changes nothing).";
            s.ResponseExamples[200] = new Response("P261125081200123456789012", "N2611250812000042", "wechatpay", "native", 12900, "Paid");
            s.Responses[200] = "The payment.";
            s.Responses[404] = "No such payment, or it belongs to someone else.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var payment = await LoadAsync(req.PaymentNo, ct);
        if (payment is null || payment.UserId != User.UserId())
        {
            await Send.ResultAsync(Problem.NotFound("The payment", code: "payment.not_found"));
            return;
        }
        var age = clock.GetUtcNow().UtcDateTime - payment.CreatedAt;
        if (payment.Status == "Pending" && age >= TimeSpan.FromSeconds(options.ActiveQueryAfterSeconds)
            && providers.Find(payment.Provider) is { } provider)
        {
            try
            {
                var trade = await provider.QueryAsync(payment.PaymentNo, ct);
                if (trade.State == TradeState.Paid)
                {
                    await settlement.ApplyPaidAsync(payment.Provider, payment.PaymentNo, trade.ProviderTradeNo, trade.AmountCents, ct);
                    payment = await LoadAsync(req.PaymentNo, ct) ?? payment;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The stored status is still true as far as we know; the next poll asks again.
                logger.LogWarning(e, "Active query of payment {PaymentNo} failed", payment.PaymentNo);
            }
        }
        await Send.OkAsync(new Response(payment.PaymentNo, payment.OrderNo, payment.Provider, payment.Channel, payment.AmountCents, payment.Status), ct);
    }

    private async Task<PaymentRow?> LoadAsync(string paymentNo, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PaymentRow>(new CommandDefinition(Find, new { PaymentNo = paymentNo }, cancellationToken: ct));
    }

    private sealed record PaymentRow(string PaymentNo, string OrderNo, long UserId, string Provider, string Channel, long AmountCents,
        string Status, DateTime CreatedAt);
}
