using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mall.Features.Payments;

/// <summary>
/// Keys and certificates come from configuration as a PEM string, a bare base64 DER string (Alipay's console
/// hands keys out that way) or a file path, so secrets can live in environment variables or mounted files.
/// </summary>
public static class KeyMaterial
{
    public static string? Text(string? inline, string? path)
    {
        if (!string.IsNullOrWhiteSpace(inline)) return inline.Trim();
        if (!string.IsNullOrWhiteSpace(path)) return File.ReadAllText(path).Trim();
        return null;
    }

    public static RSA PrivateKey(string text)
    {
        var rsa = RSA.Create();
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            rsa.ImportFromPem(text);
            return rsa;
        }
        var der = Convert.FromBase64String(Compact(text));
        try { rsa.ImportPkcs8PrivateKey(der, out _); }
        catch (CryptographicException) { rsa.ImportRSAPrivateKey(der, out _); }
        return rsa;
    }

    public static RSA PublicKey(string text)
    {
        var rsa = RSA.Create();
        if (text.Contains("-----BEGIN CERTIFICATE", StringComparison.Ordinal))
            return Certificate(text).GetRSAPublicKey() ?? throw new CryptographicException("The certificate has no RSA key.");
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            rsa.ImportFromPem(text);
            return rsa;
        }
        rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(Compact(text)), out _);
        return rsa;
    }

    public static X509Certificate2 Certificate(string pem) => X509Certificate2.CreateFromPem(pem);

    /// <summary>
    /// WeChat Pay prints serials as upper-case hex without leading zeros; .NET keeps the DER sign byte ("00…").
    /// </summary>
    public static string NormalizeSerial(string serial) => serial.TrimStart('0').ToUpperInvariant();

    private static string Compact(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
