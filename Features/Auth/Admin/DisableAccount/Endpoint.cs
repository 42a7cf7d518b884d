using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Admin.DisableAccount;

/// <summary>The account can no longer sign in or refresh, and every access token it holds is refused at once, on every instance.</summary>
public sealed class Endpoint(MySqlDataSource db, RefreshTokens refreshTokens, AccessTokenDenylist denylist, AccountStates accounts,
    AdminAudit audit, TimeProvider clock)
    : Endpoint<AccountRequest, AccountState>
{
    private const string Disable = """
        UPDATE users SET disabled_at = COALESCE(disabled_at, @Now), updated_at = @Now WHERE id = @Id AND role <> 'admin'
        """;

    private const string StateOf = "SELECT role AS Role, disabled_at AS DisabledAt FROM users WHERE id = @Id FOR UPDATE";

    public override void Configure()
    {
        Post("accounts/{id}/disable");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Disable an account (admin)";
            s.Description = "Sign-in answers 403, refresh 401, and the access tokens the account holds stop working at once. " +
                            "Repeating it is harmless. Admin accounts cannot be disabled here. Recorded in the audit log (account.disable).";
            s.ExampleRequest = new AccountRequest { Id = 42 };
            s.ResponseExamples[200] = new AccountState(42, true);
            s.Responses[200] = "Disabled.";
            s.Responses[400] = "Invalid id.";
            s.Responses[404] = "No such account.";
            s.Responses[409] = "The account is an admin's.";
        });
        Description(d => d.Produces<AccountState>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(AccountRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var before = await connection.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(StateOf, new { req.Id }, tx, cancellationToken: ct));
            if (before is null || before.Role == "admin")
            {
                await Send.ResultAsync(before is null ? Problem.NotFound("The account") : Problem.Conflict("An admin account cannot be disabled here."));
                return;
            }
            await connection.ExecuteAsync(new CommandDefinition(Disable, new { req.Id, Now = clock.GetUtcNow().UtcDateTime }, tx, cancellationToken: ct));
            // A repeated disable changes nothing, so it leaves no record.
            if (before.DisabledAt is null)
                await audit.WriteAsync(connection, tx, HttpContext, "account.disable", "account", req.Id, new AccountState(req.Id, false),
                    new AccountState(req.Id, true), ct);
            await tx.CommitAsync(ct);
        }
        // Every sign-in of the account ends: its refresh tokens, and the access tokens issued to them.
        foreach (var session in await refreshTokens.RevokeAllOfUserAsync(req.Id)) await denylist.RevokeSessionAsync(session);
        accounts.Forget(req.Id);
        await Send.OkAsync(new AccountState(req.Id, true), ct);
    }

    private sealed record StateRow(string Role, DateTime? DisabledAt);
}
