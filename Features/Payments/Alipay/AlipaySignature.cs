using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mall.Features.Payments.Alipay;

/// <summary>
/// Alipay RSA2 (payments-protocol.md §2.3–2.6). Requests are signed over every parameter but "sign" (sign_type
/// included); async notifications are verified over every parameter but "sign" and "sign_type" (the "V1" rule).
/// Values are joined as received: decoded once by the form parser, never decoded again, never trimmed.
/// </summary>
public static class AlipaySignature
{
    public static string RequestContent(IEnumerable<KeyValuePair<string, string?>> parameters) => Content(parameters, "sign");

    public static string NotificationContent(IEnumerable<KeyValuePair<string, string?>> parameters) => Content(parameters, "sign", "sign_type");

    private static string Content(IEnumerable<KeyValuePair<string, string?>> parameters, params string[] excluded) =>
        string.Join('&', parameters
            .Where(p => !string.IsNullOrEmpty(p.Key) && !string.IsNullOrEmpty(p.Value) && !excluded.Contains(p.Key))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    public static string Sign(RSA key, string content) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(RSA key, string content, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        try
        {
            return key.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(signature), HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Cuts the raw JSON text of the "&lt;node&gt;" member and the "sign" member out of a gateway response:
    /// the signature covers those exact bytes, so no deserializer may touch them first. A second member with
    /// the same node name is refused (a duplicate-node substitution attack).
    /// </summary>
    public static (string? Node, string? Sign) ExtractResponse(byte[] raw, string nodeName)
    {
        string? node = null, sign = null;
        var reader = new Utf8JsonReader(raw);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            var end = (int)reader.BytesConsumed;
            if (name == nodeName || name == "error_response")
            {
                if (node is not null) return (null, null);
                node = Encoding.UTF8.GetString(raw, start, end - start);
            }
            else if (name == "sign" && reader.TokenType == JsonTokenType.String)
            {
                sign = reader.GetString();
            }
        }
        return (node, sign);
    }
}
