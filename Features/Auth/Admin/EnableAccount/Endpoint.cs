using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Admin.EnableAccount;

/// <summary>The account may sign in again; the sign-ins it had when it was disabled stay ended.</summary>
public sealed class Endpoint(MySqlDataSource db, AccountStates accounts, TimeProvider clock)
    : Endpoint<AccountRequest, AccountState>
{
    private const string Enable = "UPDATE users SET disabled_at = NULL, updated_at = @Now WHERE id = @Id";

    public override void Configure()
    {
        Post("accounts/{id}/enable");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Enable a disabled account (admin)";
            s.Description = "The account signs in again at once. Repeating it is harmless.";
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
        // UseAffectedRows is off in MySqlConnector: an account already enabled still counts as matched.
        if (await connection.ExecuteAsync(new CommandDefinition(Enable, new { req.Id, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct)) == 0)
        {
            await Send.ResultAsync(Problem.NotFound("The account"));
            return;
        }
        accounts.Forget(req.Id);
        await Send.OkAsync(new AccountState(req.Id, false), ct);
    }
}
