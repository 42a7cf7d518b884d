using Dapper;
using FastEndpoints;
using Mall.Features.Challenges;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.ChangePassword;

/// <summary>
/// A new password for the signed-in account. Every other sign-in ends (refresh tokens and access tokens), because a
/// password is changed most often when someone else may know it; the sign-in that asks keeps working.
/// </summary>
public sealed class Endpoint(MySqlDataSource db, Passwords passwords, LoginThrottle throttle, ProofOfWork proofOfWork,
    ChallengeOptions challenges, RefreshTokens refreshTokens, AccessTokenDenylist denylist, AdminAudit audit, TimeProvider clock,
    ILogger<Endpoint> logger) : Endpoint<Request>
{
    private const string HashOf = "SELECT password_hash FROM users WHERE id = @Id FOR UPDATE";

    private const string SetHash = "UPDATE users SET password_hash = @PasswordHash, updated_at = @Now WHERE id = @Id";

    public override void Configure()
    {
        Post("auth/password");
        Summary(s =>
        {
            s.Summary = "Change my password";
            s.Description = "Needs the current password; the new one follows the registration rules (8–72 characters, not all " +
                            "digits) and differs from the current one. Wrong current passwords count as failed sign-ins of the " +
                            "account (five in 15 minutes lock it, 429 with Retry-After; an address with many failures must send a " +
                            "solved login challenge, 428). On success every OTHER sign-in of the account ends at once (its refresh " +
                            "tokens and access tokens are refused on every instance); this one stays signed in. Recorded in the " +
                            "audit log (account.password_change).";
            s.ExampleRequest = new Request("correct-horse-42", "battery-staple-43");
            s.Responses[204] = "Changed; the other sign-ins are over.";
            s.Responses[400] = "Missing fields, a new password against the rules or equal to the current one, or a wrong current password (auth.current_password_wrong on currentPassword).";
            s.Responses[428] = "Too many failures from this address: solve a login challenge and send it in Mall-Challenge.";
            s.Responses[429] = "Too many wrong passwords for this account; see Retry-After.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces(204).ProducesProblems(400, 428, 429), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        var session = User.FindFirst(MallClaims.Session)?.Value;
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        // The same counters as sign-in: a stolen access token must not buy more password guesses than the sign-in page.
        var subject = new LoginSubject(userId, "");
        var solved = HttpContext.Request.Headers.ContainsKey(ProofOfWork.Header)
                     && await proofOfWork.VerifyAsync(HttpContext.Request, ChallengePurposes.Login, null, challenges.LoginDifficulty);
        switch (await throttle.BeginAttemptAsync(subject, ip, solved))
        {
            case (LoginThrottle.Outcome.NeedsChallenge, _):
                await Send.ResultAsync(ChallengeRequired.Result(new ChallengeDemand(ChallengePurposes.Login, challenges.LoginDifficulty, null)));
                return;
            case (LoginThrottle.Outcome.Locked, var wait):
                await Send.ResultAsync(Problem.TooManyRequests(HttpContext, wait, "Too many wrong passwords. Try again later.",
                    code: "auth.password_change_throttled"));
                return;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var hash = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(HashOf, new { Id = userId }, tx, cancellationToken: ct));
            if (!passwords.Verify(hash, req.CurrentPassword))
            {
                await Send.ResultAsync(Problem.Invalid("currentPassword", "The current password is incorrect.", "auth.current_password_wrong"));
                return; // already counted
            }
            await connection.ExecuteAsync(new CommandDefinition(SetHash,
                new { Id = userId, PasswordHash = passwords.Hash(req.NewPassword), Now = clock.GetUtcNow().UtcDateTime }, tx, cancellationToken: ct));
            await audit.WriteAsync(connection, tx, HttpContext, "account.password_change", "account", userId, null,
                new { keptSession = session is not null }, ct);
            await tx.CommitAsync(ct);
        }
        await throttle.SucceededAsync(subject, ip);

        var ended = await refreshTokens.RevokeAllOfUserAsync(userId, except: session);
        foreach (var other in ended) await denylist.RevokeSessionAsync(other);
        logger.LogInformation("Password changed for user {UserId} from {ClientIp}; {EndedSessions} other sign-ins ended", userId, ip, ended.Length);
        await Send.NoContentAsync(ct);
    }
}
