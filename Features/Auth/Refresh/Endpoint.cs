using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Refresh;

public sealed class Endpoint(RefreshTokens refreshTokens, AccessTokenIssuer issuer, AccessTokenDenylist denylist, MySqlDataSource db,
    AuthOptions options, TimeProvider clock) : Endpoint<Request, TokenResponse>
{
    public override void Configure()
    {
        Post("auth/refresh");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "Exchange a refresh token for a new access token";
            s.Description = "Browsers post no body (the HttpOnly cookie carries the token); native clients post " +
                            "{\"refreshToken\": \"…\"}. Rotates the refresh token on every use. Presenting a token that was already rotated " +
                            "revokes its whole family (every session descended from the same login).";
            s.ExampleRequest = new Request("Qm9vZ2llV29vZ2llQm9vZ2ll.6yR4N0dpZ2RqZ3Vwc2xpZGVyYW5kYmFuYW5hc3BsaXQ");
            s.ResponseExamples[200] = new TokenResponse("eyJhbGciOiJFUzI1NiIs…", "Bearer", 900, null);
            s.Responses[200] = "New access token; the refresh token was rotated (cookie, or body for native clients).";
            s.Responses[401] = "Missing, expired, revoked or reused refresh token.";
        });
        // No Accepts metadata: browsers post with no body and no Content-Type (the cookie carries the token),
        // which routing would otherwise answer with 415. Native clients' {refreshToken} body is described above.
        Description(d => d.Produces<TokenResponse>(200).ProducesProblems(400, 401), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var native = req.RefreshToken is not null;
        var presented = req.RefreshToken ?? HttpContext.Request.Cookies[RefreshCookie.Name];
        var rotation = await refreshTokens.RotateAsync(presented, fromCookie: !native);
        // A rotated token presented again means two parties hold this login: every access token of it stops now.
        if (rotation is { Outcome: RotationOutcome.Reused, FamilyId: { } family }) await denylist.RevokeSessionAsync(family);
        string? role = null;
        if (rotation.Outcome == RotationOutcome.Rotated)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            role = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT role FROM users WHERE id = @Id AND disabled_at IS NULL", new { Id = rotation.UserId }, cancellationToken: ct));
        }
        if (role is null)
        {
            if (!native) RefreshCookie.Clear(HttpContext.Response, options);
            await Send.ResultAsync(Problem.Unauthorized(rotation.Outcome switch
            {
                RotationOutcome.Reused => "This refresh token was already used; every session of this login has been signed out.",
                RotationOutcome.Revoked => "This session has been signed out.",
                _ => "The refresh token is missing, expired or invalid.",
            }));
            return;
        }

        var access = issuer.Issue(rotation.UserId, role, rotation.Grant!.FamilyId);
        await Send.OkAsync(TokenResponse.From(access, rotation.Grant, native, HttpContext.Response, options, clock), ct);
    }
}
