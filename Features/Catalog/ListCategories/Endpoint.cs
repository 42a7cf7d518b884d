using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Catalog.ListCategories;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache) : EndpointWithoutRequest<Response>
{
    private const string AllCategories = """
        SELECT id AS Id, parent_id AS ParentId, name AS Name, icon AS Icon FROM categories ORDER BY sort_order, id
        """;

    public override void Configure()
    {
        Get("categories");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "The category tree";
            s.Description = "Two levels: top categories with their subcategories, in display order. Cached in Redis.";
            s.ResponseExamples[200] = new Response([new CategoryNode(1, "数码", "/media/icons/digital.svg", [new CategoryNode(4, "手机", "", [])])]);
            s.Responses[200] = "The tree.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
        // A hot cached read: nginx logs every access in front of the API; errors and 5xx are still logged here.
        Options(b => b.WithMetadata(new QuietRequestLog()));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        // Key cat:tree2:{<list version>}; the cached response bytes go out as they are.
        var tree = await cache.GetOrLoadVersionedAsync("cat:tree2", "", CacheKind.Categories, cache.ListTtl, LoadAsync, ct);
        await HttpContext.SendCachedJsonAsync(tree, ct);
    }

    private async Task<Response?> LoadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(AllCategories, cancellationToken: ct))).ToList();
        var children = rows.Where(r => r.ParentId is not null).ToLookup(r => r.ParentId!.Value);
        return new Response(rows.Where(r => r.ParentId is null)
            .Select(r => new CategoryNode(r.Id, r.Name, r.Icon, children[r.Id].Select(c => new CategoryNode(c.Id, c.Name, c.Icon, [])).ToList()))
            .ToList());
    }

    private sealed record Row(long Id, long? ParentId, string Name, string Icon);
}
