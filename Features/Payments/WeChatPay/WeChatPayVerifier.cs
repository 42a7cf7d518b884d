using System.Security.Cryptography;
using Mall.Infrastructure;
using StackExchange.Redis;

namespace Mall.Features.Payments.WeChatPay;

public enum WeChatPayVerdict { Valid, MissingHeaders, StaleTimestamp, UnknownSerial, BadSignature, ReplayedNonce }

/// <summary>The Wechatpay-* headers of a signed response or notification.</summary>
public sealed record WeChatPaySignedHeaders(string? Timestamp, string? Nonce, string? Signature, string? Serial)
{
    public static WeChatPaySignedHeaders From(Func<string, string?> header) => new(
        header("Wechatpay-Timestamp"), header("Wechatpay-Nonce"), header("Wechatpay-Signature"), header("Wechatpay-Serial"));
}

/// <summary>
/// Verifies WeChat Pay signatures (payments-protocol.md §1.3): the timestamp window first, then the key picked
/// by Wechatpay-Serial (the public-key id or the platform-certificate serial, whichever the configured mode
/// holds; anything else is an unknown serial), then SHA256withRSA over "ts\nnonce\nrawBody\n".
/// </summary>
public static class WeChatPayVerifier
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static WeChatPayVerdict Verify(IReadOnlyDictionary<string, RSA> keys, DateTimeOffset now, WeChatPaySignedHeaders h,
        ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(h.Timestamp) || string.IsNullOrEmpty(h.Nonce) || string.IsNullOrEmpty(h.Signature)
            || string.IsNullOrEmpty(h.Serial))
            return WeChatPayVerdict.MissingHeaders;
        if (!long.TryParse(h.Timestamp, System.Globalization.NumberStyles.None, null, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) >= Window.TotalSeconds)
            return WeChatPayVerdict.StaleTimestamp;
        var serial = h.Serial.StartsWith("PUB_KEY_ID_", StringComparison.Ordinal) ? h.Serial : KeyMaterial.NormalizeSerial(h.Serial);
        if (!keys.TryGetValue(serial, out var key)) return WeChatPayVerdict.UnknownSerial;
        return WeChatPayCrypto.Verify(key, WeChatPayCrypto.ResponseMessage(h.Timestamp, h.Nonce, body), h.Signature)
            ? WeChatPayVerdict.Valid
            : WeChatPayVerdict.BadSignature;
    }
}

/// <summary>
/// A verified notification's nonce is remembered for longer than the timestamp window, so a captured request
/// replayed inside the window is refused. If processing then fails, the nonce is released so WeChat's retry
/// of the same delivery is not mistaken for a replay.
/// </summary>
public sealed class NotificationNonces(IDatabase redis)
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(15);

    public async Task<bool> TryClaimAsync(string provider, string nonce)
    {
        using var span = Tracing.Redis("SET", "notification nonce");
        return await redis.StringSetAsync(Key(provider, nonce), "1", Remember, When.NotExists);
    }

    public async Task ReleaseAsync(string provider, string nonce)
    {
        using var span = Tracing.Redis("DEL", "notification nonce");
        await redis.KeyDeleteAsync(Key(provider, nonce));
    }

    private static string Key(string provider, string nonce) => $"pay:nonce:{provider}:{nonce}";
}
