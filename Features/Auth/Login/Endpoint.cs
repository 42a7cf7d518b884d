using Dapper;
using FastEndpoints;
using Mall.Features.Challenges;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Login;

public sealed class Endpoint(MySqlDataSource db, Passwords passwords, LoginThrottle throttle, ProofOfWork proofOfWork,
    ChallengeOptions challenges, RefreshTokens refreshTokens, AccessTokenIssuer issuer, AuthOptions options, TimeProvider clock)
    : Endpoint<Request, TokenResponse>
{
    private const string FindUser = """
        SELECT id AS Id, password_hash AS PasswordHash, role AS Role, disabled_at AS DisabledAt
        FROM users WHERE account = @Account
        """;
    private const string BadCredentials = "The account or password is incorrect.";

    public override void Configure()
    {
        Post("auth/login");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "Sign in";
            s.Description = "Browsers get the refresh token as an HttpOnly cookie scoped to /api/v1/auth; " +
                            "client \"native\" gets it in the body. Five failures per account in 15 minutes lock the account " +
                            "with 429 and Retry-After (attempts answered 429 are not counted). After ten failures from one " +
                            "address, sign-ins from it answer 428 challenge_required until they carry a solved login challenge " +
                            "(POST /challenges) in the Mall-Challenge header; the address is never locked.";
            s.ExampleRequest = new Request("li.lei@example.com", "correct-horse-42", "web-3f2a", "browser");
            s.ResponseExamples[200] = new TokenResponse("eyJhbGciOiJFUzI1NiIs…", "Bearer", 900, null);
            s.Responses[200] = "Signed in.";
            s.Responses[400] = "Missing or malformed fields.";
            s.Responses[401] = "Unknown account or wrong password (one message for both).";
            s.Responses[403] = "The password is right, but the account has been disabled by the shop.";
            s.Responses[428] = "Too many failures from this address: solve a login challenge and send it in Mall-Challenge.";
            s.Responses[429] = "Too many failed attempts; see Retry-After.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<TokenResponse>(200).ProducesProblems(400, 401, 403, 428, 429), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var account = Accounts.Normalize(req.Account);
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        await using var connection = await db.OpenConnectionAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(FindUser, new { Account = account }, cancellationToken: ct));
        // Counted against the account itself once it is found, so no spelling of it earns more guesses. An address with
        // many failures is slowed, never locked: every sign-in from it answers a challenge first.
        var subject = new LoginSubject(user?.Id, account);
        var solved = HttpContext.Request.Headers.ContainsKey(ProofOfWork.Header)
                     && await proofOfWork.VerifyAsync(HttpContext.Request, ChallengePurposes.Login, null, challenges.LoginDifficulty);
        switch (await throttle.BeginAttemptAsync(subject, ip, solved))
        {
            case (LoginThrottle.Outcome.NeedsChallenge, _):
                await Send.ResultAsync(ChallengeRequired.Result(new ChallengeDemand(ChallengePurposes.Login, challenges.LoginDifficulty, null)));
                return;
            case (LoginThrottle.Outcome.Locked, var wait):
                await Send.ResultAsync(Problem.TooManyRequests(HttpContext, wait, "Too many failed sign-in attempts. Try again later.", code: "auth.login_throttled"));
                return;
        }

        if (!passwords.Verify(user?.PasswordHash, req.Password))
        {
            await Send.ResultAsync(Problem.Unauthorized(BadCredentials, code: "auth.bad_credentials")); // already counted
            return;
        }

        await throttle.SucceededAsync(subject, ip);
        // Said only to whoever knows the password: a disabled account is not a secret from its owner.
        if (user!.DisabledAt is not null)
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status403Forbidden, "Account disabled", "This account has been disabled. Contact the shop.", code: "auth.account_disabled"));
            return;
        }
        var refresh = await refreshTokens.IssueAsync(user.Id, req.DeviceId);
        var access = issuer.Issue(user.Id, user.Role, refresh.FamilyId);
        await Send.OkAsync(TokenResponse.From(access, refresh, req.Client == TokenClients.Native, HttpContext.Response, options, clock), ct);
    }

    private sealed record UserRow(long Id, string PasswordHash, string Role, DateTime? DisabledAt);
}
