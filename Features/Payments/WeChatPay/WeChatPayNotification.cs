using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mall.Features.Payments.WeChatPay;

/// <summary>What a notification endpoint answers: 204 acknowledges; anything else is a {"code":"FAIL"} WeChat retries.</summary>
public sealed record NotificationAnswer(int Status, string MetricReason, string Message)
{
    public static readonly NotificationAnswer Acknowledged = new(204, "", "");
}

/// <summary>
/// The checks every WeChat Pay v3 notification passes before its event is looked at (payments-protocol.md §1.4), in
/// this order: timestamp window, serial, signature over the raw body, nonce not seen before, AEAD_AES_256_GCM
/// decryption with the APIv3 key, merchant. Payment and refund notifications differ only in what they do with the
/// decrypted event (<paramref name="handle"/> in <see cref="ReceiveAsync"/>).
/// </summary>
public static class WeChatPayNotification
{
    /// <summary>Acts on a verified, decrypted event of this merchant: (204, "") or (4xx, why it was refused).</summary>
    public delegate Task<(int Status, string Reason)> Handler(string? eventType, JsonNode plain, CancellationToken ct);

    public static async Task<NotificationAnswer> ReceiveAsync(HttpRequest request, WeChatPaySettings settings, NotificationNonces nonces,
        TimeProvider clock, ILogger logger, string notification, Handler handle, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var raw = buffer.ToArray();
        var headers = WeChatPaySignedHeaders.From(name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null);

        var verdict = WeChatPayVerifier.Verify(settings.VerifyKeys, clock.GetUtcNow(), headers, raw);
        if (verdict != WeChatPayVerdict.Valid)
            return new(401, verdict.ToString(), "签名验证失败 / signature verification failed: " + verdict);
        if (!await nonces.TryClaimAsync(Providers.WeChatPay, headers.Nonce!))
            return new(401, nameof(WeChatPayVerdict.ReplayedNonce), "重放的通知 / replayed notification");

        try
        {
            var (status, reason) = await DecryptAndHandleAsync(settings, raw, handle, ct);
            return status == 204 ? NotificationAnswer.Acknowledged : new(status, "rejected", reason);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Let WeChat's retry of this very delivery through: the nonce was never used to any effect.
            logger.LogWarning(e, "{Notification} could not be processed; WeChat Pay will retry", notification);
            try { await nonces.ReleaseAsync(Providers.WeChatPay, headers.Nonce!); }
            catch (Exception release) { logger.LogWarning(release, "Could not release notification nonce"); }
            return new(500, "processing", "处理失败，请重试 / processing failed, retry later");
        }
    }

    private static async Task<(int Status, string Reason)> DecryptAndHandleAsync(WeChatPaySettings settings, byte[] raw, Handler handle,
        CancellationToken ct)
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
        return await handle(envelope!["event_type"]?.GetValue<string>(), plain, ct);
    }
}
