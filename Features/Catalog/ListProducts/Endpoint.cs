using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.ListProducts;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache) : Endpoint<Request, Response>
{
    /// <summary>Browsing pages without a keyword are few and hot: those are cached. Keyword searches are not
    /// (unbounded key space, and each would be read about once).</summary>
    private const int CachedPages = 5;

    private static readonly Dictionary<string, string> OrderBy = new()
    {
        ["newest"] = "ORDER BY p.created_at DESC, p.id DESC",
        ["price_asc"] = "ORDER BY MinPriceCents ASC, p.id DESC",
        ["price_desc"] = "ORDER BY MinPriceCents DESC, p.id DESC",
        ["sales"] = "ORDER BY p.sales DESC, p.id DESC",
    };

    public override void Configure()
    {
        Get("products");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "Browse and search products";
            s.Description = "On-shelf products, optionally in a category (a top category includes its subcategories), " +
                            "matching a keyword in title or subtitle; sort newest | price_asc | price_desc | sales; " +
                            "page ≥ 1, 1 ≤ pageSize ≤ 100. Browsing pages without a keyword are cached.";
            s.RequestParam(r => r.Q!, "Keyword (≤ 50 characters).");
            s.ResponseExamples[200] = new Response(
                [new ProductSummary(1, 4, "星河 X5 智能手机", "6.7 英寸 OLED", "/media/products/phone-x5.svg", 299900, 1200, DateTime.UtcNow)],
                1, 20, 1);
            s.Responses[200] = "A page of products and the total count.";
            s.Responses[400] = "Bad paging, sort, category id or keyword.";
        });
        Description(d => d.Accepts<Request>().Produces<Response>(200).ProducesProblems(400), clearDefaults: true);
        // A hot cached read: nginx logs every access in front of the API; errors and 5xx are still logged here.
        Options(b => b.WithMetadata(new QuietRequestLog()));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var sort = req.Sort ?? "newest";
        if (string.IsNullOrWhiteSpace(req.Q) && req.Page <= CachedPages)
        {
            // Key cat:l2:{<list version>:<category>:<sort>:<page>:<size>}: one hash tag per page, so the key and its
            // epoch/lock land in one cluster slot. The cached response bytes go out as they are.
            var page = await cache.GetOrLoadVersionedAsync("cat:l2", $":{req.CategoryId ?? 0}:{sort}:{req.Page}:{req.PageSize}",
                CacheKind.List, cache.ListTtl, c => LoadAsync(req, sort, c), ct);
            await HttpContext.SendCachedJsonAsync(page, ct);
        }
        else await Send.OkAsync((await LoadAsync(req, sort, ct))!, ct);
    }

    private async Task<Response?> LoadAsync(Request req, string sort, CancellationToken ct)
    {
        var sql = Resources.Text("Features/Catalog/ListProducts/ListProducts.sql").Replace("/*ORDER*/", OrderBy[sort]);
        var keyword = req.Q?.Trim();
        var args = new
        {
            req.CategoryId,
            Like = string.IsNullOrEmpty(keyword) ? null : "%" + CatalogRules.EscapeLike(keyword) + "%",
            Limit = req.PageSize,
            Offset = (req.Page - 1) * req.PageSize,
        };
        await using var connection = await db.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, args, cancellationToken: ct));
        var rows = await results.ReadAsync<Row>();
        var total = await results.ReadSingleAsync<long>();
        var items = rows.Select(r => new ProductSummary(r.Id, r.CategoryId, r.Title, r.Subtitle,
            CatalogRules.ParseImages(r.Images).FirstOrDefault() ?? "", r.MinPriceCents, r.Sales, DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))).ToList();
        return new Response(items, req.Page, req.PageSize, total);
    }

    private sealed record Row(long Id, long CategoryId, string Title, string Subtitle, string Images, long MinPriceCents, long Sales, DateTime CreatedAt);
}
