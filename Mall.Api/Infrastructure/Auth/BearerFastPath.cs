using System.Security.Claims;
using Microsoft.Net.Http.Headers;

namespace Mall.Infrastructure.Auth;

public sealed class BearerFastPathOptions
{
    /// <summary>Off: every credentialed request goes through the JwtBearer handler (same answers, more allocation).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Signs in the user of a bearer token this instance has already verified — unexpired and not revoked — straight
/// from the validated-token cache. The JwtBearer handler would reach the same answer from the same cache, but only
/// after creating itself, its logger and a copy of the validation parameters, which made authentication the largest
/// allocator of a seckill attempt. Everything else (first sight of a token, expiry, revocation, malformed headers,
/// hub queries) falls through to the handler, so failures still get its checks and its challenge.
/// Why and what it costs: docs/decisions/0001-bearer-fast-path.md.
/// </summary>
public sealed class BearerFastPath(BearerFastPathOptions options, CachingJsonWebTokenHandler verifiedTokens, AccessTokenDenylist denylist)
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>True when the request carried exactly one "Authorization: Bearer …" header (read the way the bearer
    /// handler reads it) whose token is verified, unexpired and not revoked (itself or its session);
    /// its user is then signed in.</summary>
    public bool TrySignIn(HttpContext http)
    {
        if (!options.Enabled) return false;
        var authorization = http.Request.Headers[HeaderNames.Authorization];
        if (authorization.Count != 1 || authorization[0] is not { } value || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return false;
        var token = value.AsSpan(BearerPrefix.Length).Trim();
        if (token.IsEmpty || !verifiedTokens.TryGetVerified(token, out var verified)
            || denylist.IsRevoked(verified.TokenId, verified.SessionId))
            return false;
        http.User = new ClaimsPrincipal(verified.Identity);
        return true;
    }
}
