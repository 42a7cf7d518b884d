using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Infrastructure.Auth;

public sealed class AuthOptions
{
    public string Issuer { get; set; } = "mall";
    public string Audience { get; set; } = "mall-api";
    public int AccessTokenMinutes { get; set; } = 15;
    public int RefreshTokenDays { get; set; } = 7;
    /// <summary>For this long after a rotation the cookie just replaced gets the same successor instead of counting
    /// as reuse: browser tabs share the refresh cookie and refresh at the same moment. Cookies only (a native client
    /// holds its one token), at most <see cref="MaxRefreshReuseGraceSeconds"/>; 0 = strict.</summary>
    public int RefreshReuseGraceSeconds { get; set; } = 3;

    public const int MaxRefreshReuseGraceSeconds = 3;
    /// <summary>Refresh cookie gets the Secure flag; off only in Development (plain http on loopback).</summary>
    public bool SecureCookie { get; set; } = true;
}

public static class MallClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string TokenId = "jti";
    /// <summary>The refresh-token family (session) this access token belongs to; logout revokes it.</summary>
    public const string Session = "sid";
}

public static class Roles
{
    public const string Shopper = "shopper";
    public const string Admin = "admin";
    public const string AdminOnlyPolicy = "AdminOnly";
}

public sealed record IssuedAccessToken(string Token, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>Issues the 15-minute access tokens (RS256, or ES256 with an EC key).</summary>
public sealed class AccessTokenIssuer(SigningKeys keys, AuthOptions options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedAccessToken Issue(long userId, string role, string sessionId)
    {
        var now = clock.GetUtcNow();
        var expires = now.AddMinutes(options.AccessTokenMinutes);
        var tokenId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = keys.Credentials,
            Claims = new Dictionary<string, object>
            {
                [MallClaims.Subject] = userId.ToString(),
                [MallClaims.Role] = role,
                [MallClaims.TokenId] = tokenId,
                [MallClaims.Session] = sessionId,
            },
        });
        return new IssuedAccessToken(token, tokenId, expires);
    }
}

public static class ClaimsPrincipalExtensions
{
    public static long UserId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(MallClaims.Subject) ?? throw new InvalidOperationException("No subject claim."));
}
