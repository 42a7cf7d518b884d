using Mall.Infrastructure.Auth;

namespace Mall.Features.Auth;

public static class TokenClients
{
    public const string Browser = "browser";
    public const string Native = "native";
}

/// <summary>What login and refresh answer. The refresh token is in the body only for native clients.</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string? RefreshToken)
{
    public static TokenResponse From(IssuedAccessToken access, RefreshGrant refresh, bool native, HttpResponse http,
        AuthOptions options, TimeProvider clock)
    {
        if (!native) RefreshCookie.Write(http, refresh, options);
        http.Headers.CacheControl = "no-store";
        return new TokenResponse(access.Token, "Bearer", (int)(access.ExpiresAt - clock.GetUtcNow()).TotalSeconds,
            native ? refresh.Token : null);
    }
}
