using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Admin.GetMember;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<AccountRequest, Response>
{
    private const string MemberOf = """
        SELECT id AS Id, account AS Account, nickname AS Nickname, role AS Role, points AS Points, disabled_at AS DisabledAt, created_at AS CreatedAt
        FROM users WHERE id = @Id;

        SELECT COUNT(*) FROM orders WHERE user_id = @Id;

        SELECT order_no AS OrderNo, kind AS Kind, status AS Status, total_cents AS TotalCents, created_at AS CreatedAt
        FROM orders WHERE user_id = @Id ORDER BY created_at DESC, id DESC LIMIT 10;

        SELECT o.order_no AS OrderNo, l.reason AS Reason, l.points AS Points, l.created_at AS CreatedAt
        FROM points_ledger l LEFT JOIN orders o ON o.id = l.order_id
        WHERE l.user_id = @Id ORDER BY l.created_at DESC, l.id DESC LIMIT 20;
        """;

    public override void Configure()
    {
        Get("members/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "One member (admin)";
            s.Description = "The account, whether it is enabled, its points balance, its newest orders and points ledger entries.";
            var at = new DateTime(2026, 11, 25, 8, 15, 30, DateTimeKind.Utc);
            s.ResponseExamples[200] = new Response(42, "13800138000", "梅梅", "shopper", false, null, at.AddDays(-30), 2999, 1,
                [new RecentOrder("20261125081530123456789", "normal", "Paid", 299900, at)], [new PointsEntry("20261125081530123456789", "paid", 2999, at.AddMinutes(2))]);
            s.Responses[200] = "The member.";
            s.Responses[400] = "Invalid id.";
            s.Responses[404] = "No such account (member.not_found).";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(AccountRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(MemberOf, new { req.Id }, cancellationToken: ct));
        var member = await results.ReadSingleOrDefaultAsync<MemberRow>();
        if (member is null)
        {
            await Send.ResultAsync(Problem.NotFound("The member", code: "member.not_found"));
            return;
        }
        var orderCount = await results.ReadSingleAsync<long>();
        var orders = (await results.ReadAsync<RecentOrder>()).Select(o => o with { CreatedAt = Utc(o.CreatedAt) }).ToList();
        var points = (await results.ReadAsync<PointsEntry>()).Select(p => p with { CreatedAt = Utc(p.CreatedAt) }).ToList();
        await Send.OkAsync(new Response(member.Id, member.Account, member.Nickname, member.Role, member.DisabledAt is not null,
            member.DisabledAt is { } disabledAt ? Utc(disabledAt) : null, Utc(member.CreatedAt), member.Points, orderCount, orders, points), ct);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private sealed record MemberRow(long Id, string Account, string Nickname, string Role, long Points, DateTime? DisabledAt, DateTime CreatedAt);
}
