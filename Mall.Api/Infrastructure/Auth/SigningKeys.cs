using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// The key that signs access tokens: RSA (RS256) or a P-256 EC key (ES256), from configuration
/// (Auth:SigningKeyPem, or Auth:SigningKeyPath to a PEM file); in Development only, an RSA-2048 key is generated
/// once into {Mall:DataDir}/keys/jwt-signing.pem so tokens survive restarts and the load-test CLI can sign with
/// the same key. The kid is the RFC 7638 thumbprint of the public key.
/// RS256 is the generated default because every request verifies a token and only a login signs one: RSA
/// verification is several times cheaper than ECDSA's, and the seckill hot path pays it on every attempt.
/// </summary>
public sealed class SigningKeys
{
    public string Algorithm { get; }
    public AsymmetricSecurityKey PrivateKey { get; }
    public AsymmetricSecurityKey PublicKey { get; }
    public SigningCredentials Credentials { get; }

    private SigningKeys(AsymmetricSecurityKey privateKey, AsymmetricSecurityKey publicKey, JsonWebKey publicJwk, string algorithm)
    {
        var kid = Base64UrlEncoder.Encode(publicJwk.ComputeJwkThumbprint());
        privateKey.KeyId = publicKey.KeyId = kid;
        Algorithm = algorithm;
        PrivateKey = privateKey;
        PublicKey = publicKey;
        Credentials = new SigningCredentials(privateKey, algorithm);
    }

    /// <summary>The public half as a JWK (for /.well-known/jwks.json).</summary>
    public JsonWebKey PublicJwk() => PublicKey switch
    {
        RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(rsa),
        ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec),
        _ => throw new InvalidOperationException("Unsupported signing key."),
    };

    public static SigningKeys FromPem(string pem)
    {
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < 2048) throw new InvalidOperationException("The access-token signing key must be RSA-2048 or larger.");
            var publicKey = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false));
            return new SigningKeys(new RsaSecurityKey(rsa), publicKey, JsonWebKeyConverter.ConvertFromRSASecurityKey(publicKey),
                SecurityAlgorithms.RsaSha256);
        }
        catch (CryptographicException)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            if (ecdsa.KeySize != 256) throw new InvalidOperationException("An EC access-token signing key must be P-256 (ES256).");
            var publicKey = new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false)));
            return new SigningKeys(new ECDsaSecurityKey(ecdsa), publicKey, JsonWebKeyConverter.ConvertFromECDsaSecurityKey(publicKey),
                SecurityAlgorithms.EcdsaSha256);
        }
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
        return FromPem(pem);
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
        using var generated = RSA.Create(2048);
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
