using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.ListAllProducts;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<Request, Response>
{
    private static readonly Dictionary<string, string> OrderBy = new()
    {
        [ProductSort.Newest] = "ORDER BY p.created_at DESC, p.id DESC",
        [ProductSort.Updated] = "ORDER BY p.updated_at DESC, p.id DESC",
        [ProductSort.PriceAsc] = "ORDER BY MinPriceCents ASC, p.id DESC",
        [ProductSort.PriceDesc] = "ORDER BY MinPriceCents DESC, p.id DESC",
        [ProductSort.StockAsc] = "ORDER BY Available ASC, p.id DESC",
        [ProductSort.StockDesc] = "ORDER BY Available DESC, p.id DESC",
        [ProductSort.Sales] = "ORDER BY p.sales DESC, p.id DESC",
    };

    public override void Configure()
    {
        Get("products");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "List and search products, off shelf included (admin)";
            s.Description = "Filters: q (part of the title), categoryId (a top category includes its subcategories), " +
                            "shelf on | off | all (default all), stock any | lowStock (some SKU has at most lowStockThreshold " +
                            "available, default 10) | outOfStock (nothing available). Sort newest | updated | price_asc | " +
                            "price_desc | stock_asc | stock_desc | sales; page ≥ 1, 1 ≤ pageSize ≤ 100. Never cached.";
            s.ResponseExamples[200] = new Response(
                [new ProductRow(1, 4, "星河 X5 智能手机", "/media/products/phone-x5.svg", false, 299900, 329900, 3, 470, 12, 1860, 3,
                    AdminExamples.At, AdminExamples.At)], 1, 20, 1);
            s.Responses[200] = "A page of products and the total count.";
            s.Responses[400] = "Bad paging, filter, sort, category id or keyword.";
        });
        Description(d => d.Accepts<Request>().Produces<Response>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var sql = Resources.Text("Features/Catalog/Admin/ListAllProducts/ListAllProducts.sql").Replace("/*ORDER*/", OrderBy[req.Sort ?? ProductSort.Newest]);
        var keyword = req.Q?.Trim();
        var args = new
        {
            OnShelf = (req.Shelf ?? ShelfFilter.All) switch { ShelfFilter.On => (bool?)true, ShelfFilter.Off => false, _ => null },
            req.CategoryId,
            Like = string.IsNullOrEmpty(keyword) ? null : "%" + CatalogRules.EscapeLike(keyword) + "%",
            Stock = req.Stock ?? StockFilter.Any,
            Threshold = req.LowStockThreshold,
            Limit = req.PageSize,
            Offset = (req.Page - 1) * req.PageSize,
        };
        await using var connection = await db.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, args, cancellationToken: ct));
        var rows = await results.ReadAsync<Row>();
        var total = await results.ReadSingleAsync<long>();
        var items = rows.Select(r => new ProductRow(r.Id, r.CategoryId, r.Title, CatalogRules.ParseImages(r.Images).FirstOrDefault() ?? "", r.OnShelf,
            r.MinPriceCents, r.MaxPriceCents, (int)r.SkuCount, r.Stock, r.Available, r.Sales, r.Version,
            DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc))).ToList();
        await Send.OkAsync(new Response(items, req.Page, req.PageSize, total), ct);
    }

    private sealed record Row(long Id, long CategoryId, string Title, string Images, bool OnShelf, long MinPriceCents, long MaxPriceCents,
        long SkuCount, long Stock, long Available, long Sales, int Version, DateTime CreatedAt, DateTime UpdatedAt);
}
