using System.Security.Cryptography;
using System.Text.Json;
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
        using var buffer = new MemoryStream();
        await HttpContext.Request.Body.CopyToAsync(buffer, ct);
        var raw = buffer.ToArray();
        var headers = WeChatPaySignedHeaders.From(name => HttpContext.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null);

        var verdict = WeChatPayVerifier.Verify(settings.VerifyKeys, clock.GetUtcNow(), headers, raw);
        if (verdict != WeChatPayVerdict.Valid)
        {
            await FailAsync(401, verdict.ToString(), "签名验证失败 / signature verification failed: " + verdict);
            return;
        }
        if (!await nonces.TryClaimAsync(Providers.WeChatPay, headers.Nonce!))
        {
            await FailAsync(401, nameof(WeChatPayVerdict.ReplayedNonce), "重放的通知 / replayed notification");
            return;
        }

        try
        {
            var (status, reason) = await ProcessAsync(settings, raw, ct);
            if (status == 204)
            {
                await Send.NoContentAsync(ct);
                return;
            }
            await FailAsync(status, "rejected", reason);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Let WeChat's retry of this very delivery through: the nonce was never used to any effect.
            logger.LogWarning(e, "WeChat Pay notification could not be processed; WeChat Pay will retry");
            try { await nonces.ReleaseAsync(Providers.WeChatPay, headers.Nonce!); }
            catch (Exception release) { logger.LogWarning(release, "Could not release notification nonce"); }
            await FailAsync(500, "processing", "处理失败，请重试 / processing failed, retry later");
        }
    }

    private async Task<(int Status, string Reason)> ProcessAsync(WeChatPaySettings settings, byte[] raw, CancellationToken ct)
    {
        JsonNode? envelope;
        try { envelope = JsonNode.Parse(raw); }
        catch (JsonException) { return (400, "body is not JSON"); }
        var resource = envelope?["resource"];
        if (resource?["algorithm"]?.GetValue<string>() != "AEAD_AES_256_GCM") return (400, "resource.algorithm must be AEAD_AES_256_GCM");

        JsonNode? plain;
        try
        {
            plain = JsonNode.Parse(WeChatPayCrypto.Decrypt(settings.ApiV3Key, resource["nonce"]?.GetValue<string>() ?? "",
                resource["associated_data"]?.GetValue<string>(), resource["ciphertext"]?.GetValue<string>() ?? ""));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return (400, "resource could not be decrypted");
        }
        if (plain?["mchid"]?.GetValue<string>() != settings.MchId) return (400, "mchid is not this merchant");

        switch (envelope!["event_type"]?.GetValue<string>())
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
                logger.LogWarning("WeChat Pay notification {EventType} acknowledged without action", envelope["event_type"]?.ToString());
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
