using System.Security.Cryptography;
using System.Text.Json;
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
            logger.LogWarning(e, "WeChat Pay refund notification could not be processed; WeChat Pay will retry");
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

        var eventType = envelope!["event_type"]?.GetValue<string>();
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
