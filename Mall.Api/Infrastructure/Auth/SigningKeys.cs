using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// The ES256 key that signs access tokens. From configuration (Auth:SigningKeyPem, or Auth:SigningKeyPath to a
/// PKCS#8/SEC1 PEM file); in Development only, generated once into {Mall:DataDir}/keys/jwt-signing.pem so tokens
/// survive restarts and the load-test CLI can sign with the same key. The kid is the RFC 7638 thumbprint.
/// </summary>
public sealed class SigningKeys
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    public ECDsaSecurityKey PrivateKey { get; }
    public ECDsaSecurityKey PublicKey { get; }
    public SigningCredentials Credentials { get; }

    public SigningKeys(ECDsa ecdsa)
    {
        if (ecdsa.KeySize != 256) throw new InvalidOperationException("The access-token signing key must be a P-256 EC key (ES256).");
        var publicEcdsa = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
        var kid = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicEcdsa)).ComputeJwkThumbprint());
        PrivateKey = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        PublicKey = new ECDsaSecurityKey(publicEcdsa) { KeyId = kid };
        Credentials = new SigningCredentials(PrivateKey, Algorithm);
    }

    public static SigningKeys Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var pem = configuration["Auth:SigningKeyPem"];
        var path = configuration["Auth:SigningKeyPath"];
        if (string.IsNullOrWhiteSpace(pem) && !string.IsNullOrWhiteSpace(path)) pem = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(pem))
        {
            if (!environment.IsDevelopment())
                throw new InvalidOperationException("Auth:SigningKeyPem or Auth:SigningKeyPath must be configured outside Development.");
            pem = DevelopmentKey(configuration, environment);
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return new SigningKeys(ecdsa);
    }

    public static string DevelopmentKeyPath(IConfiguration configuration, IHostEnvironment environment)
    {
        var dataDir = configuration["Mall:DataDir"] ?? Path.Combine(environment.ContentRootPath, "..", ".mall");
        return Path.GetFullPath(Path.Combine(dataDir, "keys", "jwt-signing.pem"));
    }

    private static string DevelopmentKey(IConfiguration configuration, IHostEnvironment environment)
    {
        var file = DevelopmentKeyPath(configuration, environment);
        if (File.Exists(file)) return File.ReadAllText(file);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = generated.ExportPkcs8PrivateKeyPem();
        // Two instances may start together: the first writer wins, the other reads its key.
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.Write(pem);
        }
        catch (IOException) when (File.Exists(file))
        {
            return File.ReadAllText(file);
        }
        return pem;
    }
}
