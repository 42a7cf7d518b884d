using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Register;

public sealed class Endpoint(MySqlDataSource db, Passwords passwords, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string InsertUser = """
        INSERT INTO users (account, password_hash, nickname, role, created_at, updated_at)
        VALUES (@Account, @PasswordHash, @Nickname, 'shopper', @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    public override void Configure()
    {
        Post("auth/register");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "Create a shopper account";
            s.Description = "The account is an e-mail address (compared case-insensitively) or a mainland mobile number.";
            s.ExampleRequest = new Request("li.lei@example.com", "correct-horse-42", "李雷");
            s.ResponseExamples[201] = new Response(1001);
            s.Responses[201] = "Account created.";
            s.Responses[400] = "Invalid account, password (8–72 characters, not all digits) or nickname.";
            s.Responses[409] = "The account is already registered.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(201).ProducesProblems(400, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var account = Accounts.Normalize(req.Account);
        var nickname = string.IsNullOrWhiteSpace(req.Nickname) ? DefaultNickname(account) : req.Nickname.Trim();
        await using var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var userId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertUser,
                new { Account = account, PasswordHash = passwords.Hash(req.Password), Nickname = nickname, Now = clock.GetUtcNow().UtcDateTime },
                cancellationToken: ct));
            await Send.ResponseAsync(new Response(userId), StatusCodes.Status201Created, ct);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            await Send.ResultAsync(Problem.Conflict("This account is already registered."));
        }
    }

    // A mobile number is personal data: show only its last four digits by default.
    private static string DefaultNickname(string account) =>
        account.Contains('@') ? account[..account.IndexOf('@')] : "用户" + account[^4..];
}
