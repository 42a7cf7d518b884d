using FastEndpoints;
using Mall.Infrastructure.Auth;

namespace Mall.Features.Auth.Logout;

public sealed class Endpoint(RefreshTokens refreshTokens, AccessTokenDenylist denylist, AuthOptions options) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("auth/logout");
        Summary(s =>
        {
            s.Summary = "Sign out";
            s.Description = "Revokes this login's refresh-token family and denylists the presented access token until it expires.";
            s.Responses[204] = "Signed out.";
        });
        Description(d => d.Produces(204), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var session = User.FindFirst(MallClaims.Session)?.Value;
        if (session is not null) await refreshTokens.RevokeFamilyAsync(session);
        var tokenId = User.FindFirst(MallClaims.TokenId)!.Value;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(User.FindFirst("exp")!.Value));
        await denylist.DenyAsync(tokenId, expiresAt);
        RefreshCookie.Clear(HttpContext.Response, options);
        await Send.NoContentAsync(ct);
    }
}
