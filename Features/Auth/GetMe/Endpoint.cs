using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Auth.GetMe;

public sealed class Endpoint(MySqlDataSource db) : EndpointWithoutRequest<Response>
{
    private const string FindUser = "SELECT id AS Id, account AS Account, nickname AS Nickname, role AS Role, points AS Points FROM users WHERE id = @Id";

    public override void Configure()
    {
        Get("me");
        Summary(s =>
        {
            s.Summary = "The signed-in user";
            s.ResponseExamples[200] = new Response(1001, "li.lei@example.com", "李雷", ["shopper"], 120);
            s.Responses[200] = "Profile, roles and loyalty points.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(FindUser, new { Id = User.UserId() }, cancellationToken: ct));
        if (user is null)
        {
            await Send.ResultAsync(Problem.Unauthorized("The account no longer exists."));
            return;
        }
        await Send.OkAsync(new Response(user.Id, user.Account, user.Nickname, [user.Role], user.Points), ct);
    }

    private sealed record UserRow(long Id, string Account, string Nickname, string Role, long Points);
}
