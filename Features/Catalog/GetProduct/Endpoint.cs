using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.GetProduct;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("products/{id}");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "A product with its SKUs";
            s.Description = "Served from Redis (cache-aside, one rebuilder per key). Unknown and off-shelf ids are " +
                            "remembered as missing for a minute, so probing ids does not reach MySQL.";
            s.ResponseExamples[200] = new Response(1, 4, "星河 X5 智能手机", "6.7 英寸 OLED", "旗舰影像", ["/media/products/phone-x5.svg"],
                299900, 1200, DateTime.UtcNow, [new SkuView(11, new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, 299900, 37)]);
            s.Responses[200] = "The product.";
            s.Responses[400] = "The id is not a number in range.";
            s.Responses[404] = "No such product on shelf.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
        // A hot cached read: nginx logs every access in front of the API; errors and 5xx are still logged here.
        Options(b => b.WithMetadata(new QuietRequestLog()));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // The cached response bytes go out as they are (the same JSON Send.OkAsync would write for Response).
        var product = await cache.GetOrLoadAsync(CatalogCache.ProductKey(req.Id), CacheKind.Product, cache.DetailTtl,
            c => LoadAsync(req.Id, c), ct);
        if (!product.Found) await Send.ResultAsync(Problem.NotFound("The product", code: "product.not_found"));
        else await HttpContext.SendCachedJsonAsync(product, ct);
    }

    private async Task<Response?> LoadAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            Resources.Text("Features/Catalog/GetProduct/GetProduct.sql"), new { Id = id }, cancellationToken: ct));
        var product = await results.ReadSingleOrDefaultAsync<ProductRow>();
        var skus = (await results.ReadAsync<SkuRow>())
            .Select(s => new SkuView(s.Id, CatalogRules.ParseSpecs(s.Specs), s.PriceCents, (int)Math.Max(0, s.Available))).ToList();
        if (product is null) return null;
        return new Response(product.Id, product.CategoryId, product.Title, product.Subtitle, product.Description,
            CatalogRules.ParseImages(product.Images), skus.Count == 0 ? 0 : skus.Min(s => s.PriceCents), product.Sales,
            DateTime.SpecifyKind(product.CreatedAt, DateTimeKind.Utc), skus);
    }

    private sealed record ProductRow(long Id, long CategoryId, string Title, string Subtitle, string Description, string Images, long Sales, DateTime CreatedAt);
    private sealed record SkuRow(long Id, string Specs, long PriceCents, long Available);
}
