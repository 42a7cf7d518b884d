using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.ListAllCategories;

public sealed class Endpoint(MySqlDataSource db) : EndpointWithoutRequest<Response>
{
    private const string AllCategories = """
        SELECT c.id AS Id, c.parent_id AS ParentId, c.name AS Name, c.sort_order AS SortOrder, c.icon AS Icon,
               (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id) AS ProductCount
        FROM categories c ORDER BY c.sort_order, c.id
        """;

    public override void Configure()
    {
        Get("categories");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "The category tree with what the console edits (admin)";
            s.Description = "Top categories and their subcategories in display order, with sortOrder, icon and the number of " +
                            "products (on or off shelf) each holds itself. Never cached.";
            s.ResponseExamples[200] = new Response([new CategoryNode(1, "数码", 0, "/media/icons/digital.svg", 0,
                [new CategoryNode(4, "手机", 0, "", 2, [])])]);
            s.Responses[200] = "The tree.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(AllCategories, cancellationToken: ct))).ToList();
        var children = rows.Where(r => r.ParentId is not null).ToLookup(r => r.ParentId!.Value);
        await Send.OkAsync(new Response(rows.Where(r => r.ParentId is null)
            .Select(r => new CategoryNode(r.Id, r.Name, r.SortOrder, r.Icon, r.ProductCount,
                children[r.Id].Select(c => new CategoryNode(c.Id, c.Name, c.SortOrder, c.Icon, c.ProductCount, [])).ToList()))
            .ToList()), ct);
    }

    private sealed record Row(long Id, long? ParentId, string Name, int SortOrder, string Icon, long ProductCount);
}
