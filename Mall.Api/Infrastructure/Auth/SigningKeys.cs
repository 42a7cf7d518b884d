using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// The key that signs access tokens: RSA (RS256) or a P-256 EC key (ES256), from configuration
/// (Auth:SigningKeyPem, or Auth:SigningKeyPath to a PEM file); in Development only, an RSA-2048 key is generated
/// once into {Mall:DataDir}/keys/jwt-signing.pem so tokens survive restarts and the load-test CLI can sign with
/// the same key. The kid is the RFC 7638 thumbprint of the public key.
/// <para>Rotation: the key being retired moves to Auth:PreviousSigningKeyPem (or …Path; its public half is enough).
/// Tokens it signed still verify, and /.well-known/jwks.json publishes both kids, until the longest-lived token it
/// signed has expired; then it is removed. New tokens are signed with the current key only.</para>
/// RS256 is the generated default because every request verifies a token and only a login signs one: RSA
/// verification is several times cheaper than ECDSA's, and the seckill hot path pays it on every attempt.
/// </summary>
public sealed class SigningKeys
{
    public string Algorithm { get; }
    public AsymmetricSecurityKey PrivateKey { get; }
    public AsymmetricSecurityKey PublicKey { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>The retiring key's public half, still accepted during a rotation; null when there is none.</summary>
    public AsymmetricSecurityKey? PreviousPublicKey { get; private init; }
    public string? PreviousAlgorithm { get; private init; }

    /// <summary>Every key a token may be signed with: the current one, then the retiring one.</summary>
    public IReadOnlyList<AsymmetricSecurityKey> VerificationKeys =>
        PreviousPublicKey is null ? [PublicKey] : [PublicKey, PreviousPublicKey];

    public IReadOnlyList<string> VerificationAlgorithms =>
        PreviousAlgorithm is null || PreviousAlgorithm == Algorithm ? [Algorithm] : [Algorithm, PreviousAlgorithm];

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
    public JsonWebKey PublicJwk() => JwkOf(PublicKey);

    /// <summary>What /.well-known/jwks.json publishes: every verification key as a JWK with its kid and algorithm.</summary>
    public IEnumerable<(JsonWebKey Jwk, string Algorithm)> PublishedKeys()
    {
        var current = JwkOf(PublicKey);
        current.Kid = PublicKey.KeyId;
        yield return (current, Algorithm);
        if (PreviousPublicKey is null) yield break;
        var previous = JwkOf(PreviousPublicKey);
        previous.Kid = PreviousPublicKey.KeyId;
        yield return (previous, PreviousAlgorithm!);
    }

    private static JsonWebKey JwkOf(AsymmetricSecurityKey key) => key switch
    {
        RsaSecurityKey rsa => JsonWebKeyConverter.ConvertFromRSASecurityKey(rsa),
        ECDsaSecurityKey ec => JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec),
        _ => throw new InvalidOperationException("Unsupported signing key."),
    };

    public static SigningKeys FromPem(string pem) => FromPem(pem, publicOnly: false);

    /// <param name="publicOnly">A verification-only key: a public PEM is enough (the private half, if given, is not kept).</param>
    private static SigningKeys FromPem(string pem, bool publicOnly)
    {
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < 2048) throw new InvalidOperationException("The access-token signing key must be RSA-2048 or larger.");
            var publicKey = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false));
            return new SigningKeys(publicOnly ? publicKey : new RsaSecurityKey(rsa), publicKey, JsonWebKeyConverter.ConvertFromRSASecurityKey(publicKey),
                SecurityAlgorithms.RsaSha256);
        }
        catch (CryptographicException)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            if (ecdsa.KeySize != 256) throw new InvalidOperationException("An EC access-token signing key must be P-256 (ES256).");
            var publicKey = new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false)));
            return new SigningKeys(publicOnly ? publicKey : new ECDsaSecurityKey(ecdsa), publicKey, JsonWebKeyConverter.ConvertFromECDsaSecurityKey(publicKey),
                SecurityAlgorithms.EcdsaSha256);
        }
    }

    /// <summary>The current key with <paramref name="previousPem"/> (public or private PEM) accepted beside it.</summary>
    public SigningKeys WithPrevious(string previousPem)
    {
        var previous = FromPem(previousPem, publicOnly: true);
        if (previous.PublicKey.KeyId == PublicKey.KeyId)
            throw new InvalidOperationException("Auth:PreviousSigningKey is the current signing key; a rotation needs a new key.");
        return new SigningKeys(PrivateKey, PublicKey, JwkOf(PublicKey), Algorithm)
        {
            PreviousPublicKey = previous.PublicKey,
            PreviousAlgorithm = previous.Algorithm,
        };
    }

    public static SigningKeys Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var pem = Pem(configuration, "Auth:SigningKey");
        if (string.IsNullOrWhiteSpace(pem))
        {
            if (!environment.IsDevelopment())
                throw new InvalidOperationException("Auth:SigningKeyPem or Auth:SigningKeyPath must be configured outside Development.");
            pem = DevelopmentKey(configuration, environment);
        }
        var keys = FromPem(pem);
        return Pem(configuration, "Auth:PreviousSigningKey") is { Length: > 0 } previous ? keys.WithPrevious(previous) : keys;
    }

    private static string? Pem(IConfiguration configuration, string name)
    {
        var pem = configuration[name + "Pem"];
        var path = configuration[name + "Path"];
        return string.IsNullOrWhiteSpace(pem) && !string.IsNullOrWhiteSpace(path) ? File.ReadAllText(path) : pem;
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
