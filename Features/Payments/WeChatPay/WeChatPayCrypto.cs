using System.Security.Cryptography;
using System.Text;

namespace Mall.Features.Payments.WeChatPay;

/// <summary>
/// The WeChat Pay API v3 primitives (payments-protocol.md §1.2–1.5): SHA256withRSA over newline-terminated
/// lines, the Authorization header, AEAD_AES_256_GCM with the APIv3 key, the JSAPI paySign.
/// </summary>
public static class WeChatPayCrypto
{
    public const string AuthorizationScheme = "WECHATPAY2-SHA256-RSA2048";
    private const string NonceAlphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static string Nonce(int length = 32) => RandomNumberGenerator.GetString(NonceAlphabet, length);

    /// <summary>Every line ends with "\n", the last one too; a GET has an empty body line.</summary>
    public static string RequestMessage(string method, string canonicalUrl, long timestamp, string nonce, string body) =>
        $"{method}\n{canonicalUrl}\n{timestamp}\n{nonce}\n{body}\n";

    /// <summary>Responses and notifications are signed over the raw body bytes, never a re-serialized object.</summary>
    public static byte[] ResponseMessage(string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n");
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        message[^1] = (byte)'\n';
        return message;
    }

    public static string PaySignMessage(string appId, string timeStamp, string nonceStr, string package) =>
        $"{appId}\n{timeStamp}\n{nonceStr}\n{package}\n";

    public static string Sign(RSA key, string message) => Sign(key, Encoding.UTF8.GetBytes(message));

    public static string Sign(RSA key, byte[] message) =>
        Convert.ToBase64String(key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>Bad base64 or a bad key is a failed verification, never a skipped one.</summary>
    public static bool Verify(RSA key, byte[] message, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || message.Length == 0) return false;
        try
        {
            return key.VerifyData(message, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }

    public static bool Verify(RSA key, string message, string? signature) => Verify(key, Encoding.UTF8.GetBytes(message), signature);

    public static string AuthorizationValue(string mchId, string nonce, long timestamp, string serialNo, string signature) =>
        $"{AuthorizationScheme} mchid=\"{mchId}\",nonce_str=\"{nonce}\",timestamp=\"{timestamp}\",serial_no=\"{serialNo}\",signature=\"{signature}\"";

    /// <summary>Parses the credential part of an Authorization header; the order of the items is free.</summary>
    public static Dictionary<string, string>? ParseAuthorization(string? header)
    {
        if (header is null || !header.StartsWith(AuthorizationScheme + " ", StringComparison.Ordinal)) return null;
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header[(AuthorizationScheme.Length + 1)..].Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) return null;
            var value = part[(eq + 1)..].Trim();
            if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return null;
            items[part[..eq].Trim()] = value[1..^1];
        }
        return items;
    }

    /// <summary>AEAD_AES_256_GCM: nonce and associated data are the UTF-8 bytes; the tag is the last 16 bytes.</summary>
    public static byte[] Decrypt(byte[] key, string nonce, string? associatedData, string ciphertextBase64)
    {
        var data = Convert.FromBase64String(ciphertextBase64);
        if (data.Length < 16) throw new CryptographicException("The ciphertext is shorter than its tag.");
        var plaintext = new byte[data.Length - 16];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(Encoding.UTF8.GetBytes(nonce), data.AsSpan(0, data.Length - 16), data.AsSpan(data.Length - 16), plaintext,
            Encoding.UTF8.GetBytes(associatedData ?? ""));
        return plaintext;
    }

    public static string Encrypt(byte[] key, string nonce, string associatedData, byte[] plaintext)
    {
        var output = new byte[plaintext.Length + 16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length),
            Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(output);
    }
}
