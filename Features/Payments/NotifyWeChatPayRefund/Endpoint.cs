using System.Text.Json.Nodes;
using FastEndpoints;
using Mall.Features.Payments.WeChatPay;

namespace Mall.Features.Payments.NotifyWeChatPayRefund;

/// <summary>
/// WeChat Pay v3 refund notifications (REFUND.SUCCESS / ABNORMAL / CLOSED) for the refunds sent with this notify
/// URL (after-sales). Verified exactly like payment notifications, in the same order: timestamp window, serial,
/// signature over the raw body, nonce not seen before, AEAD_AES_256_GCM decryption with the APIv3 key, merchant;
/// then the refund number must be one of ours. 204 acknowledges; any 4xx/5xx with {"code":"FAIL"} makes WeChat retry.
/// A confirmation already booked is acknowledged without effect.
/// </summary>
public sealed class Endpoint(PaymentSettlement settlement, NotificationNonces nonces, TimeProvider clock, ILogger<Endpoint> logger)
    : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("payments/notify/wechatpay/refund");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "WeChat Pay refund notification (called by WeChat Pay)";
            s.Description = "REFUND.SUCCESS (and REFUND.ABNORMAL / REFUND.CLOSED, logged for a person) of after-sale refunds, signed " +
                            "(WECHATPAY2-SHA256-RSA2048) and encrypted with the APIv3 key. Processed at most once in effect: duplicates and " +
                            "late deliveries are acknowledged without effect.";
            s.Responses[204] = "Acknowledged (processed now or before).";
            s.Responses[400] = "Verified but refused (wrong merchant, unknown out_refund_no, not a refund event): {\"code\":\"FAIL\"}.";
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
        var answer = await WeChatPayNotification.ReceiveAsync(HttpContext.Request, settings, nonces, clock, logger, "WeChat Pay refund notification",
            (eventType, plain, token) => HandleEventAsync(eventType, plain, token), ct);
        if (answer.Status == 204) await Send.NoContentAsync(ct);
        else await FailAsync(answer.Status, answer.MetricReason, answer.Message);
    }

    private async Task<(int Status, string Reason)> HandleEventAsync(string? eventType, JsonNode plain, CancellationToken ct)
    {
        var refundNo = plain["out_refund_no"]?.GetValue<string>();
        switch (eventType)
        {
            case "REFUND.SUCCESS":
                if (refundNo is null || plain["refund_status"]?.GetValue<string>() != "SUCCESS")
                    return (400, "out_refund_no and refund_status SUCCESS required");
                return await settlement.ApplyRefundedAsync(Providers.WeChatPay, refundNo, ct) ? (204, "") : (400, "unknown out_refund_no");
            case "REFUND.ABNORMAL" or "REFUND.CLOSED":
                // The refund stays Processing; the worker keeps asking, and the provider answers the same failure:
                // a person resolves it (see docs/payments.md, Known limits).
                logger.LogWarning("WeChat Pay refund {RefundNo} ended {EventType}; needs a person", refundNo, eventType);
                return (204, "");
            default:
                return (400, "not a refund notification");
        }
    }

    private async Task FailAsync(int status, string metricReason, string message)
    {
        PaymentMetrics.RejectedNotifications.WithLabels(Providers.WeChatPay, metricReason).Inc();
        if (status is >= 400 and < 500) logger.LogWarning("WeChat Pay refund notification refused ({Status}): {Reason}", status, message);
        await Send.ResultAsync(Results.Json(new Failure("FAIL", message), statusCode: status));
    }
}
