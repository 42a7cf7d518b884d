using System.Text;
using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Auth.Admin.ListMembers;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<Request, Response>
{
    private const int CountCap = 10_000;

    private const string PageOf = """
        SELECT id AS Id, account AS Account, nickname AS Nickname, role AS Role, points AS Points, disabled_at AS DisabledAt, created_at AS CreatedAt
        FROM users u WHERE {0}
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset;

        SELECT COUNT(*) FROM (SELECT 1 FROM users u WHERE {0} LIMIT @CountUpTo) capped;
        """;

    public override void Configure()
    {
        Get("members");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Search members (admin)";
            s.Description = "Accounts, newest first, optionally those whose account begins with (match=prefix, the default) or contains " +
                            "(match=contains) the given text, and enabled or disabled ones only. total counts at most 10,000.";
            s.ResponseExamples[200] = new Response([new Member(42, "13800138000", "梅梅", "shopper", 2999, false, null,
                new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc))], 1, 20, 1, true);
            s.Responses[200] = "A page of members.";
            s.Responses[400] = "Unknown match or status, or bad paging.";
        });
        Description(d => d.Accepts<Request>().Produces<Response>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var where = new StringBuilder("1 = 1");
        var parameters = new DynamicParameters(new { Limit = req.PageSize, Offset = (req.Page - 1) * req.PageSize, CountUpTo = CountCap + 1 });
        if (!string.IsNullOrWhiteSpace(req.Account))
        {
            // Accounts are stored canonical and binary-collated: the search text is canonicalised the same way, and
            // LIKE's own wildcards in it are taken literally.
            var text = Accounts.Normalize(req.Account).Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
            where.Append(" AND u.account LIKE @Pattern");
            parameters.Add("Pattern", req.Match == AccountMatch.Contains ? $"%{text}%" : $"{text}%");
        }
        if (req.Status == MemberStatus.Enabled) where.Append(" AND u.disabled_at IS NULL");
        if (req.Status == MemberStatus.Disabled) where.Append(" AND u.disabled_at IS NOT NULL");

        await using var connection = await db.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(string.Format(PageOf, where), parameters, cancellationToken: ct));
        var rows = await results.ReadAsync<Row>();
        var counted = await results.ReadSingleAsync<long>();
        await Send.OkAsync(new Response(rows.Select(r => new Member(r.Id, r.Account, r.Nickname, r.Role, r.Points, r.DisabledAt is not null,
                r.DisabledAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null, DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))).ToList(),
            req.Page, req.PageSize, Math.Min(counted, CountCap), counted <= CountCap), ct);
    }

    private sealed record Row(long Id, string Account, string Nickname, string Role, long Points, DateTime? DisabledAt, DateTime CreatedAt);
}
