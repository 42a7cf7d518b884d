using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Admin.EnableAccount;

/// <summary>The account may sign in again; the sign-ins it had when it was disabled stay ended.</summary>
public sealed class Endpoint(MySqlDataSource db, AccountStates accounts, AdminAudit audit, TimeProvider clock)
    : Endpoint<AccountRequest, AccountState>
{
    private const string Enable = "UPDATE users SET disabled_at = NULL, updated_at = @Now WHERE id = @Id";

    private const string DisabledOf = "SELECT CAST(disabled_at IS NOT NULL AS SIGNED) FROM users WHERE id = @Id FOR UPDATE";

    public override void Configure()
    {
        Post("accounts/{id}/enable");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Enable a disabled account (admin)";
            s.Description = "The account signs in again at once. Repeating it is harmless. Recorded in the audit log (account.enable).";
            s.ExampleRequest = new AccountRequest { Id = 42 };
            s.ResponseExamples[200] = new AccountState(42, false);
            s.Responses[200] = "Enabled.";
            s.Responses[400] = "Invalid id.";
            s.Responses[404] = "No such account.";
        });
        Description(d => d.Produces<AccountState>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(AccountRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var disabled = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(DisabledOf, new { req.Id }, tx, cancellationToken: ct));
            if (disabled is null)
            {
                await Send.ResultAsync(Problem.NotFound("The account"));
                return;
            }
            await connection.ExecuteAsync(new CommandDefinition(Enable, new { req.Id, Now = clock.GetUtcNow().UtcDateTime }, tx, cancellationToken: ct));
            // A repeated enable changes nothing, so it leaves no record.
            if (disabled == 1)
                await audit.WriteAsync(connection, tx, HttpContext, "account.enable", "account", req.Id, new AccountState(req.Id, true),
                    new AccountState(req.Id, false), ct);
            await tx.CommitAsync(ct);
        }
        accounts.Forget(req.Id);
        await Send.OkAsync(new AccountState(req.Id, false), ct);
    }
}
