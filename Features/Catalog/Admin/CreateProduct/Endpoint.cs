using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.CreateProduct;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string InsertProduct = """
        INSERT INTO products (category_id, title, subtitle, description, images, on_shelf, sales, created_at, updated_at)
        VALUES (@CategoryId, @Title, @Subtitle, @Description, @Images, 1, 0, @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    internal const string InsertSku = """
        INSERT INTO skus (product_id, specs, price_cents, stock, locked, sold, created_at, updated_at)
        VALUES (@ProductId, @Specs, @PriceCents, @Stock, 0, 0, @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    public override void Configure()
    {
        Post("products");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Create a product with its SKUs (admin)";
            s.Description = "The product goes on shelf at once, at version 1. Images are site-local paths (e.g. /media/products/x.svg); " +
                            "uploads go through POST products/{id}/images. Audited as product.create.";
            s.ExampleRequest = new Request(4, "星河 X5 智能手机", "6.7 英寸 OLED", "旗舰影像", ["/media/products/phone-x5.svg"],
                [new SkuInput(null, new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, 299900, 100)]);
            s.ResponseExamples[201] = new Response(1, [new SkuOutput(11, new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, 299900, 100)]);
            s.Responses[201] = "Created.";
            s.Responses[400] = "Invalid fields.";
            s.Responses[404] = "No such category.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(201).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(ProductInputRules.CategoryExists, new { req.CategoryId }, tx, cancellationToken: ct)) == 0)
        {
            await Send.ResultAsync(Problem.NotFound("The category"));
            return;
        }
        var productId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertProduct, new
        {
            req.CategoryId, Title = req.Title.Trim(), Subtitle = req.Subtitle?.Trim() ?? "", Description = req.Description ?? "",
            Images = CatalogRules.ToJson(req.Images ?? []), Now = now,
        }, tx, cancellationToken: ct));
        var skus = new List<SkuOutput>();
        foreach (var sku in req.Skus)
        {
            var skuId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSku, new
            {
                ProductId = productId, Specs = CatalogRules.ToJson(sku.Specs), sku.PriceCents, Stock = sku.Stock ?? 0, Now = now,
            }, tx, cancellationToken: ct));
            skus.Add(new SkuOutput(skuId, sku.Specs, sku.PriceCents, sku.Stock ?? 0));
        }
        await audit.WriteAsync(connection, tx, HttpContext, "product.create", "product", productId, null,
            await AdminProducts.FindAsync(connection, tx, productId, ct), ct);
        await tx.CommitAsync(ct);
        // A shopper may have probed this id before it existed: drop the "missing" marker with the list pages.
        await cache.ProductChangedAsync(productId);
        await Send.ResponseAsync(new Response(productId, skus), StatusCodes.Status201Created, ct);
    }
}
