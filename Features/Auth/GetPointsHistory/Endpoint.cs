using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Auth.GetPointsHistory;

public sealed class Endpoint(MySqlDataSource db) : EndpointWithoutRequest<Entry[]>
{
    private const string Sql = """
        SELECT l.order_id AS OrderId, l.reason AS Reason, l.points AS Points, l.created_at AS CreatedAt,
               COALESCE(o.order_no, '') AS OrderNo
        FROM points_ledger l LEFT JOIN orders o ON o.id = l.order_id
        WHERE l.user_id = @UserId ORDER BY l.id DESC LIMIT 100
        """;

    public override void Configure()
    {
        Get("me/points-history");
        Summary(s =>
        {
            s.Summary = "My loyalty points, newest first";
            s.Description = "One entry per order and reason: +1 point per whole yuan paid (reason paid), taken back on a refund " +
                            "(reason refund, negative). The reason is a code for the app to word in the shopper's language.";
            s.ResponseExamples[200] = new[] { new Entry(1001, PointsReasons.Paid, 159, new DateTime(2026, 11, 25, 8, 18, 0, DateTimeKind.Utc), "M202611250816123456") };
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
