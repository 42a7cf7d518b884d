using System.Text.Json.Nodes;
using FastEndpoints;
using Mall.Features.Payments.WeChatPay;

namespace Mall.Features.Payments.NotifyWeChatPay;

/// <summary>
/// WeChat Pay v3 notifications (payments-protocol.md §1.4). Order of checks: timestamp window, serial, signature
/// over the raw body, nonce not seen before, AEAD_AES_256_GCM decryption, merchant and app, then the amount
/// against the payment in the database. 204 acknowledges; any 4xx/5xx with {"code":"FAIL"} makes WeChat retry.
/// </summary>
public sealed class Endpoint(PaymentSettlement settlement, NotificationNonces nonces, TimeProvider clock, ILogger<Endpoint> logger)
    : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("payments/notify/wechatpay");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "WeChat Pay notification (called by WeChat Pay)";
            s.Description = "TRANSACTION.SUCCESS and REFUND.* notifications, signed (WECHATPAY2-SHA256-RSA2048) and encrypted with the " +
                            "APIv3 key. Processed at most once in effect: duplicates and late deliveries are acknowledged without effect.";
            s.Responses[204] = "Acknowledged (processed now or before).";
            s.Responses[400] = "Verified but refused (wrong merchant/app, unknown payment, wrong amount): {\"code\":\"FAIL\"}.";
            s.Responses[401] = "Signature, serial, timestamp or nonce check failed: {\"code\":\"FAIL\"}.";
            s.Responses[500] = "Could not be processed now (e.g. the database is down); WeChat Pay retries: {\"code\":\"FAIL\"}.";
        });
        Description(d => d.Produces(204).Produces<Failure>(400).Produces<Failure>(401).Produces<Failure>(500), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var settings = TryResolve<WeChatPaySettings>();
        if (settings is null)
        {
            await FailAsync(404, "not configured", "WeChat Pay is not configured");
            return;
        }
        var answer = await WeChatPayNotification.ReceiveAsync(HttpContext.Request, settings, nonces, clock, logger, "WeChat Pay notification",
            (eventType, plain, token) => HandleEventAsync(settings, eventType, plain, token), ct);
        if (answer.Status == 204) await Send.NoContentAsync(ct);
        else await FailAsync(answer.Status, answer.MetricReason, answer.Message);
    }

    private async Task<(int Status, string Reason)> HandleEventAsync(WeChatPaySettings settings, string? eventType, JsonNode plain,
        CancellationToken ct)
    {
        switch (eventType)
        {
            case "TRANSACTION.SUCCESS":
            {
                if (plain["appid"]?.GetValue<string>() != settings.AppId) return (400, "appid is not this shop's");
                if (plain["trade_state"]?.GetValue<string>() != "SUCCESS") return (204, "");
                if (plain["amount"]?["currency"]?.GetValue<string>() is { } currency && currency != "CNY") return (400, "currency is not CNY");
                var total = plain["amount"]?["total"]?.GetValue<long>();
                var outTradeNo = plain["out_trade_no"]?.GetValue<string>();
                if (total is null || outTradeNo is null) return (400, "out_trade_no and amount.total are required");
                var outcome = await settlement.ApplyPaidAsync(Providers.WeChatPay, outTradeNo, plain["transaction_id"]?.GetValue<string>(), total.Value, ct);
                return outcome switch
                {
                    SettleOutcome.UnknownPayment => Reject("unknown out_trade_no"),
                    SettleOutcome.AmountMismatch => Reject("amount.total does not match the order"),
                    _ => (204, ""),
                };
            }
            case "REFUND.SUCCESS":
            {
                var refundNo = plain["out_refund_no"]?.GetValue<string>();
                if (refundNo is null || plain["refund_status"]?.GetValue<string>() != "SUCCESS") return (400, "out_refund_no and refund_status SUCCESS required");
                return await settlement.ApplyRefundedAsync(Providers.WeChatPay, refundNo, ct) ? (204, "") : Reject("unknown out_refund_no");
            }
            default:
                // REFUND.ABNORMAL / REFUND.CLOSED need a person; the payment stays Refunding and shows up in the logs.
                logger.LogWarning("WeChat Pay notification {EventType} acknowledged without action", eventType);
                return (204, "");
        }
    }

    private static (int, string) Reject(string reason) => (400, reason);

    private async Task FailAsync(int status, string metricReason, string message)
    {
        PaymentMetrics.RejectedNotifications.WithLabels(Providers.WeChatPay, metricReason).Inc();
        if (status is >= 400 and < 500) logger.LogWarning("WeChat Pay notification refused ({Status}): {Reason}", status, message);
        await Send.ResultAsync(Results.Json(new Failure("FAIL", message), statusCode: status));
    }
}
