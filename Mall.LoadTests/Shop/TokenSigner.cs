using System.Security.Cryptography;
using Mall.LoadTests.Scenarios;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mall.LoadTests.Shop;

/// <summary>
/// Signs access tokens exactly as Mall.Api's AccessTokenIssuer does (RS256, or ES256 for an EC key; kid = RFC 7638 thumbprint, issuer
/// "mall", audience "mall-api", claims sub/role/jti/sid), with the development key the local shop generated in
/// {Mall:DataDir}/keys/jwt-signing.pem. Preparing thousands of shoppers this way takes a second, where signing
/// in through the API would spend minutes in deliberately slow password hashing.
/// </summary>
public sealed class TokenSigner
{
    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly string _issuer;
    private readonly string _audience;

    public TokenSigner(string pem, string issuer = "mall", string audience = "mall-api")
    {
        _credentials = Credentials(pem);
        _issuer = issuer;
        _audience = audience;
    }

    // The shop generates RSA in development; a shop configured with a P-256 key signs ES256.
    private static SigningCredentials Credentials(string pem)
    {
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            var publicJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
            return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(publicJwk.ComputeJwkThumbprint()) },
                SecurityAlgorithms.RsaSha256);
        }
        catch (CryptographicException)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            var publicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(false))));
            return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = Base64UrlEncoder.Encode(publicJwk.ComputeJwkThumbprint()) },
                SecurityAlgorithms.EcdsaSha256);
        }
    }

    public static string DevelopmentKeyPath(string dataDir) => Path.Combine(dataDir, "keys", "jwt-signing.pem");

    public static TokenSigner FromDataDir(string dataDir)
    {
        var path = DevelopmentKeyPath(dataDir);
        if (!File.Exists(path))
            throw new RunFailure($"No development signing key at {path}. Start the shop once (./mall up) so it creates it, " +
                                     "or pass --data-dir with the shop's data folder.");
        return new TokenSigner(File.ReadAllText(path));
    }

    public string Issue(long userId, string role, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = _audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId.ToString(),
                ["role"] = role,
                ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                ["sid"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            },
        });
    }
}
