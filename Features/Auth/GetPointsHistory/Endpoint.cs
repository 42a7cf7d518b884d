using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Auth.GetPointsHistory;

public sealed class Endpoint(MySqlDataSource db) : EndpointWithoutRequest<Entry[]>
{
    private const string Sql = """
        SELECT order_id AS OrderId, reason AS Reason, points AS Points, created_at AS CreatedAt
        FROM points_ledger WHERE user_id = @UserId ORDER BY id DESC LIMIT 100
        """;

    public override void Configure()
    {
        Get("me/points-history");
        Summary(s =>
        {
            s.Summary = "My loyalty points, newest first";
            s.Description = "One entry per order and reason: +1 point per whole yuan paid.";
            s.Responses[200] = "Up to 100 ledger entries.";
        });
        Description(d => d.Produces<Entry[]>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Entry>(new CommandDefinition(Sql, new { UserId = User.UserId() }, cancellationToken: ct));
        await Send.OkAsync(rows.ToArray(), ct);
    }
}
