using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mall.Features.Payments.Sandbox;

namespace Mall.Features.Payments;

/// <summary>The "Payments" configuration section (see docs/payments.md for every key).</summary>
public sealed class PaymentsOptions
{
    /// <summary>Public base URL the providers call back (notify URLs). Defaults to Mall:PublicBaseUrl.</summary>
    public string? NotifyBaseUrl { get; set; }
    /// <summary>GET /payments/{no} asks the provider itself once a pending payment is older than this.</summary>
    public double ActiveQueryAfterSeconds { get; set; } = 60;
    /// <summary>How often the worker closes payments of cancelled orders and retries refunds.</summary>
    public double WorkerIntervalSeconds { get; set; } = 30;
    /// <summary><see cref="WorkerIntervalSeconds"/> as the payment and refund workers wait it (at least 0.1 s).</summary>
    public TimeSpan WorkerInterval => TimeSpan.FromSeconds(Math.Max(0.1, WorkerIntervalSeconds));
    public WeChatPayOptions WeChatPay { get; set; } = new();
    public AlipayOptions Alipay { get; set; } = new();
    public SandboxOptions Sandbox { get; set; } = new();
}

public sealed class WeChatPayOptions
{
    public string BaseUrl { get; set; } = "https://api.mch.weixin.qq.com";
    public string? MchId { get; set; }
    public string? AppId { get; set; }
    /// <summary>Serial number of the merchant API certificate (apiclient_cert.pem).</summary>
    public string? MerchantSerialNo { get; set; }
    public string? MerchantPrivateKey { get; set; }
    public string? MerchantPrivateKeyPath { get; set; }
    /// <summary>The 32-character APIv3 key set in the merchant platform.</summary>
    public string? ApiV3Key { get; set; }
    /// <summary>"PublicKey" (WeChat Pay public key, PUB_KEY_ID_…) or "Certificate" (platform certificate).</summary>
    public string VerifyMode { get; set; } = WeChatPayVerifyModes.PublicKey;
    public string? PublicKeyId { get; set; }
    public string? PublicKey { get; set; }
    public string? PublicKeyPath { get; set; }
    public string? PlatformCertificate { get; set; }
    public string? PlatformCertificatePath { get; set; }
    /// <summary>The Official Account's AppSecret: only the OAuth code → openid exchange (JSAPI) needs it.</summary>
    public string? AppSecret { get; set; }
    /// <summary>WeChat's OAuth page (snsapi_base) that answers with a code for the payer's openid.</summary>
    public string OAuthAuthorizeUrl { get; set; } = "https://open.weixin.qq.com/connect/oauth2/authorize";
    /// <summary>Where sns/oauth2/access_token (code → openid) is called.</summary>
    public string OAuthApiBaseUrl { get; set; } = "https://api.weixin.qq.com";
}

public static class WeChatPayVerifyModes
{
    public const string PublicKey = "PublicKey";
    public const string Certificate = "Certificate";
}

public sealed class AlipayOptions
{
    public string GatewayUrl { get; set; } = "https://openapi.alipay.com/gateway.do";
    public string? AppId { get; set; }
    /// <summary>The merchant's Alipay user id (2088…); notifications must name it as seller_id.</summary>
    public string? SellerId { get; set; }
    public string? AppPrivateKey { get; set; }
    public string? AppPrivateKeyPath { get; set; }
    /// <summary>The Alipay public key (not the app's own public key).</summary>
    public string? AlipayPublicKey { get; set; }
    public string? AlipayPublicKeyPath { get; set; }
}

public sealed class SandboxOptions
{
    public bool Enabled { get; set; }
    /// <summary>Where the shop reaches the sandbox gateway; defaults to Mall:PublicBaseUrl.</summary>
    public string? BaseUrl { get; set; }
    public bool SendNotifications { get; set; } = true;
    /// <summary>Delays between notification attempts; the providers' 24-hour schedules, shortened.</summary>
    /// <remarks>Empty by default: the configuration binder appends to a non-empty array instead of replacing it.</remarks>
    public double[] RetryScheduleSeconds { get; set; } = [];

    public IReadOnlyList<double> RetrySchedule => RetryScheduleSeconds.Length > 0 ? RetryScheduleSeconds : [1, 2, 5, 10, 30, 60, 120, 300, 600];
}

/// <summary>WeChat Pay merchant settings with the keys loaded, checked once at start.</summary>
public sealed class WeChatPaySettings
{
    public required Uri BaseUrl { get; init; }
    public required string MchId { get; init; }
    public required string AppId { get; init; }
    public required string MerchantSerialNo { get; init; }
    public required RSA MerchantKey { get; init; }
    public required byte[] ApiV3Key { get; init; }
    public required string VerifyMode { get; init; }
    /// <summary>Wechatpay-Serial value → verification key: only the source the mode selects.</summary>
    public required IReadOnlyDictionary<string, RSA> VerifyKeys { get; init; }
    /// <summary>Sent as Wechatpay-Serial on requests, so WeChat signs responses with the key we verify with.</summary>
    public required string ExpectedSerial { get; init; }
    public required string NotifyUrl { get; init; }
    public string? AppSecret { get; init; }
    public required string OAuthAuthorizeUrl { get; init; }
    public required string OAuthApiBaseUrl { get; init; }

    public static WeChatPaySettings? Create(WeChatPayOptions o, string notifyBase, SandboxKeys? sandbox, string? sandboxBase)
    {
        var useSandbox = string.IsNullOrWhiteSpace(o.MchId) && sandbox is not null;
        if (!useSandbox && string.IsNullOrWhiteSpace(o.MchId)) return null;
        string Required(string? value, string key) => string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"Payments:WeChatPay:{key} is required when Payments:WeChatPay:MchId is set.")
            : value;

        var mode = o.VerifyMode;
        if (mode is not (WeChatPayVerifyModes.PublicKey or WeChatPayVerifyModes.Certificate))
            throw new InvalidOperationException("Payments:WeChatPay:VerifyMode must be \"PublicKey\" or \"Certificate\".");
        var apiV3Key = Encoding.UTF8.GetBytes(useSandbox ? sandbox!.ApiV3Key : Required(o.ApiV3Key, nameof(o.ApiV3Key)));
        if (apiV3Key.Length != 32) throw new InvalidOperationException("Payments:WeChatPay:ApiV3Key must be 32 bytes.");

        var keys = new Dictionary<string, RSA>(StringComparer.OrdinalIgnoreCase);
        string expected;
        if (mode == WeChatPayVerifyModes.PublicKey)
        {
            expected = useSandbox ? sandbox!.PublicKeyId : Required(o.PublicKeyId, nameof(o.PublicKeyId));
            var pem = useSandbox ? sandbox!.PlatformPublicKeyPem : KeyMaterial.Text(o.PublicKey, o.PublicKeyPath)
                ?? throw new InvalidOperationException("Payments:WeChatPay:PublicKey or PublicKeyPath is required in PublicKey mode.");
            keys[expected] = KeyMaterial.PublicKey(pem);
        }
        else
        {
            var pem = useSandbox ? sandbox!.PlatformCertificatePem : KeyMaterial.Text(o.PlatformCertificate, o.PlatformCertificatePath)
                ?? throw new InvalidOperationException("Payments:WeChatPay:PlatformCertificate or PlatformCertificatePath is required in Certificate mode.");
            var certificate = KeyMaterial.Certificate(pem);
            expected = KeyMaterial.NormalizeSerial(certificate.SerialNumber);
            keys[expected] = certificate.GetRSAPublicKey()!;
        }

        return new WeChatPaySettings
        {
            BaseUrl = new Uri((useSandbox ? sandboxBase + "/wechatpay" : o.BaseUrl).TrimEnd('/') + "/"),
            MchId = useSandbox ? SandboxKeys.WeChatMchId : o.MchId!,
            AppId = useSandbox ? SandboxKeys.WeChatAppId : Required(o.AppId, nameof(o.AppId)),
            MerchantSerialNo = useSandbox ? sandbox!.MerchantSerialNo : KeyMaterial.NormalizeSerial(Required(o.MerchantSerialNo, nameof(o.MerchantSerialNo))),
            MerchantKey = KeyMaterial.PrivateKey(useSandbox ? sandbox!.MerchantPrivateKeyPem
                : KeyMaterial.Text(o.MerchantPrivateKey, o.MerchantPrivateKeyPath)
                  ?? throw new InvalidOperationException("Payments:WeChatPay:MerchantPrivateKey or MerchantPrivateKeyPath is required.")),
            ApiV3Key = apiV3Key,
            VerifyMode = mode,
            VerifyKeys = keys,
            ExpectedSerial = expected,
            NotifyUrl = notifyBase + "/api/v1/payments/notify/wechatpay",
            AppSecret = useSandbox ? SandboxKeys.WeChatAppSecret : string.IsNullOrWhiteSpace(o.AppSecret) ? null : o.AppSecret,
            OAuthAuthorizeUrl = useSandbox ? sandboxBase + "/wechat/connect/oauth2/authorize" : o.OAuthAuthorizeUrl,
            OAuthApiBaseUrl = (useSandbox ? sandboxBase + "/wechat" : o.OAuthApiBaseUrl).TrimEnd('/'),
        };
    }
}

/// <summary>Alipay merchant settings with the keys loaded.</summary>
public sealed class AlipaySettings
{
    public required string GatewayUrl { get; init; }
    public required string AppId { get; init; }
    public required string SellerId { get; init; }
    public required RSA AppKey { get; init; }
    public required RSA AlipayKey { get; init; }
    public required string NotifyUrl { get; init; }

    public static AlipaySettings? Create(AlipayOptions o, string notifyBase, SandboxKeys? sandbox, string? sandboxBase)
    {
        var useSandbox = string.IsNullOrWhiteSpace(o.AppId) && sandbox is not null;
        if (!useSandbox && string.IsNullOrWhiteSpace(o.AppId)) return null;
        string Required(string? value, string key) => string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"Payments:Alipay:{key} is required when Payments:Alipay:AppId is set.")
            : value;
        return new AlipaySettings
        {
            GatewayUrl = useSandbox ? sandboxBase + "/alipay/gateway.do" : o.GatewayUrl,
            AppId = useSandbox ? SandboxKeys.AlipayAppId : o.AppId!,
            SellerId = useSandbox ? SandboxKeys.AlipaySellerId : Required(o.SellerId, nameof(o.SellerId)),
            AppKey = KeyMaterial.PrivateKey(useSandbox ? sandbox!.AlipayAppPrivateKeyPem
                : KeyMaterial.Text(o.AppPrivateKey, o.AppPrivateKeyPath)
                  ?? throw new InvalidOperationException("Payments:Alipay:AppPrivateKey or AppPrivateKeyPath is required.")),
            AlipayKey = KeyMaterial.PublicKey(useSandbox ? sandbox!.AlipayPublicKeyPem
                : KeyMaterial.Text(o.AlipayPublicKey, o.AlipayPublicKeyPath)
                  ?? throw new InvalidOperationException("Payments:Alipay:AlipayPublicKey or AlipayPublicKeyPath is required.")),
            NotifyUrl = notifyBase + "/api/v1/payments/notify/alipay",
        };
    }
}
