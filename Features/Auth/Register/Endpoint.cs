using Dapper;
using FastEndpoints;
using Mall.Features.Challenges;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Register;

public sealed class Endpoint(MySqlDataSource db, Passwords passwords, RegistrationThrottle throttle, ProofOfWork proofOfWork,
    ChallengeOptions challenges, TimeProvider clock) : Endpoint<Request, Response>
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
            s.Description = "The account is an e-mail address or a mainland mobile number, stored in one canonical spelling " +
                            "(NFKC, lower case): another spelling of an existing account is a 409. A few accounts per address " +
                            "and hour are free; more must each carry a solved register challenge (428 challenge_required), and " +
                            "past twenty the address waits (429).";
            s.ExampleRequest = new Request("li.lei@example.com", "correct-horse-42", "李雷");
            s.ResponseExamples[201] = new Response(1001);
            s.Responses[201] = "Account created.";
            s.Responses[400] = "Invalid account, password (8–72 characters, not all digits) or nickname.";
            s.Responses[409] = "The account is already registered.";
            s.Responses[428] = "This address created several accounts already: solve a register challenge and send it in Mall-Challenge.";
            s.Responses[429] = "This address created too many accounts; see Retry-After.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(201).ProducesProblems(400, 409, 428, 429), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        switch (await throttle.CheckAsync(ip))
        {
            case (RegistrationThrottle.Gate.Closed, var wait):
                await Send.ResultAsync(Problem.TooManyRequests(HttpContext, wait, "Too many accounts were created from this address. Try again later.", code: "auth.register_throttled"));
                return;
            case (RegistrationThrottle.Gate.NeedsChallenge, _)
                when !await proofOfWork.VerifyAsync(HttpContext.Request, ChallengePurposes.Register, null, challenges.RegisterDifficulty):
                await Send.ResultAsync(ChallengeRequired.Result(new ChallengeDemand(ChallengePurposes.Register, challenges.RegisterDifficulty, null)));
                return;
        }
        var account = Accounts.Normalize(req.Account);
        var nickname = string.IsNullOrWhiteSpace(req.Nickname) ? DefaultNickname(account) : req.Nickname.Trim();
        await using var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var userId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertUser,
                new { Account = account, PasswordHash = passwords.Hash(req.Password), Nickname = nickname, Now = clock.GetUtcNow().UtcDateTime },
                cancellationToken: ct));
            await throttle.CreatedAsync(ip);
            await Send.ResponseAsync(new Response(userId), StatusCodes.Status201Created, ct);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            await Send.ResultAsync(Problem.Conflict("This account is already registered.", code: "auth.account_taken"));
        }
    }

    // A mobile number is personal data: show only its last four digits by default.
    private static string DefaultNickname(string account) =>
        account.Contains('@') ? account[..account.IndexOf('@')] : "用户" + account[^4..];
}
