using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Mall.Features.Payments.Sandbox;

/// <summary>
/// Both sides of the sandbox's key material: the shop's (WeChat merchant key, Alipay app key) and the fake
/// providers' (WeChat Pay platform key/certificate, Alipay key). Generated on first run into
/// {Mall:DataDir}/payments-sandbox/ and reused afterwards; never committed, useless outside the sandbox.
/// </summary>
public sealed class SandboxKeys
{
    public const string WeChatMchId = "1900000001";
    public const string WeChatAppId = "wx0sandbox0000001";
    /// <summary>The sandbox Official Account's AppSecret (a constant: it guards nothing but fake money).</summary>
    public const string WeChatAppSecret = "sandbox0appsecret0000000000000001";
    /// <summary>The one payer the sandbox's WeChat OAuth knows, as an openid under <see cref="WeChatAppId"/>.</summary>
    public const string BuyerOpenId = "oSbx0Buyer_000000000000000001";
    public const string AlipayAppId = "2021000000000001";
    public const string AlipaySellerId = "2088000000000001";
    public const string FileName = "sandbox-keys.json";

    public required string MerchantPrivateKeyPem { get; init; }
    public required string MerchantSerialNo { get; init; }
    public required string ApiV3Key { get; init; }
    public required string PlatformPrivateKeyPem { get; init; }
    public required string PlatformPublicKeyPem { get; init; }
    public required string PlatformCertificatePem { get; init; }
    public required string PlatformSerialNo { get; init; }
    public required string PublicKeyId { get; init; }
    public required string AlipayAppPrivateKeyPem { get; init; }
    public required string AlipayPrivateKeyPem { get; init; }
    public required string AlipayPublicKeyPem { get; init; }

    public static SandboxKeys LoadOrCreate(string directory)
    {
        var file = Path.Combine(directory, FileName);
        if (File.Exists(file)) return JsonSerializer.Deserialize<SandboxKeys>(File.ReadAllText(file))!;
        Directory.CreateDirectory(directory);
        var keys = Generate();
        try
        {
            // Two instances may start together: the first writer wins, the other reads its keys.
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            JsonSerializer.Serialize(stream, keys, new JsonSerializerOptions { WriteIndented = true });
        }
        catch (IOException) when (File.Exists(file))
        {
            Thread.Sleep(200);
            return JsonSerializer.Deserialize<SandboxKeys>(File.ReadAllText(file))!;
        }
        return keys;
    }

    private static SandboxKeys Generate()
    {
        using var merchant = RSA.Create(2048);
        using var platform = RSA.Create(2048);
        using var alipayApp = RSA.Create(2048);
        using var alipay = RSA.Create(2048);
        var request = new CertificateRequest("CN=Mall Sandbox WeChat Pay Platform, O=SANDBOX ONLY", platform,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x10); // positive, no leading zero nibble
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(platform, RSASignaturePadding.Pkcs1),
            now.AddDays(-1), now.AddYears(20), serial);
        return new SandboxKeys
        {
            MerchantPrivateKeyPem = merchant.ExportPkcs8PrivateKeyPem(),
            MerchantSerialNo = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
            ApiV3Key = RandomNumberGenerator.GetString("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 32),
            PlatformPrivateKeyPem = platform.ExportPkcs8PrivateKeyPem(),
            PlatformPublicKeyPem = platform.ExportSubjectPublicKeyInfoPem(),
            PlatformCertificatePem = certificate.ExportCertificatePem(),
            PlatformSerialNo = KeyMaterial.NormalizeSerial(certificate.SerialNumber),
            PublicKeyId = "PUB_KEY_ID_01" + string.Concat(RandomNumberGenerator.GetBytes(16).Select(b => (b % 10).ToString())) + "00000001",
            AlipayAppPrivateKeyPem = alipayApp.ExportPkcs8PrivateKeyPem(),
            AlipayPrivateKeyPem = alipay.ExportPkcs8PrivateKeyPem(),
            AlipayPublicKeyPem = alipay.ExportSubjectPublicKeyInfoPem(),
        };
    }
}
