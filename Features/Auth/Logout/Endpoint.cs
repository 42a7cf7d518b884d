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
            s.Description = "Ends this sign-in: its refresh tokens, and every access token issued to it (in every tab and on every instance), stop working at once.";
            s.Responses[204] = "Signed out.";
        });
        Description(d => d.Produces(204), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        // The whole sign-in ends: its refresh tokens and every access token issued to it, not only the one presented.
        var session = User.FindFirst(MallClaims.Session)?.Value;
        if (session is not null)
        {
            await refreshTokens.RevokeFamilyAsync(session);
            await denylist.RevokeSessionAsync(session);
        }
        var tokenId = User.FindFirst(MallClaims.TokenId)!.Value;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(User.FindFirst("exp")!.Value));
        await denylist.DenyAsync(tokenId, expiresAt);
        RefreshCookie.Clear(HttpContext.Response, options);
        await Send.NoContentAsync(ct);
    }
}
