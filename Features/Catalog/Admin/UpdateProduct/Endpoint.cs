using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.UpdateProduct;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string UpdateProductRow = """
        UPDATE products SET category_id = @CategoryId, title = @Title, subtitle = @Subtitle, description = @Description,
            images = @Images, updated_at = @Now
        WHERE id = @Id
        """;

    private const string UpdateSku = """
        UPDATE skus SET specs = @Specs, price_cents = @PriceCents, updated_at = @Now WHERE id = @SkuId AND product_id = @ProductId
        """;

    private const string AllSkus = """
        SELECT id AS Id, specs AS Specs, price_cents AS PriceCents, stock AS Stock FROM skus WHERE product_id = @ProductId ORDER BY id
        """;

    public override void Configure()
    {
        Put("products/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Edit a product and its SKUs (admin)";
            s.Description = "Replaces the product fields; SKUs with an id get new specs/price, SKUs without one are added. " +
                            "Placed orders keep their snapshots. The product's cache keys and the list pages are invalidated.";
            s.ResponseExamples[200] = new Response(1, [new SkuOutput(11, new() { ["颜色"] = "曜石黑" }, 279900, 100)]);
            s.Responses[200] = "Updated; all SKUs of the product.";
            s.Responses[400] = "Invalid fields.";
            s.Responses[404] = "No such product, category or SKU of this product.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(ProductInputRules.CategoryExists, new { req.CategoryId }, cancellationToken: ct)) == 0)
        {
            await Send.ResultAsync(Problem.NotFound("The category"));
            return;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        var updated = await connection.ExecuteAsync(new CommandDefinition(UpdateProductRow, new
        {
            req.Id, req.CategoryId, Title = req.Title.Trim(), Subtitle = req.Subtitle?.Trim() ?? "", Description = req.Description ?? "",
            Images = CatalogRules.ToJson(req.Images ?? []), Now = now,
        }, tx, cancellationToken: ct));
        if (updated == 0)
        {
            await Send.ResultAsync(Problem.NotFound("The product"));
            return;
        }
        foreach (var sku in req.Skus)
        {
            var specs = CatalogRules.ToJson(sku.Specs);
            if (sku.Id is { } skuId)
            {
                var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateSku,
                    new { SkuId = skuId, ProductId = req.Id, Specs = specs, sku.PriceCents, Now = now }, tx, cancellationToken: ct));
                if (changed == 0)
                {
                    await Send.ResultAsync(Problem.NotFound($"SKU {skuId} of this product"));
                    return;
                }
            }
            else
                await connection.ExecuteScalarAsync<long>(new CommandDefinition(CreateProduct.Endpoint.InsertSku,
                    new { ProductId = req.Id, Specs = specs, sku.PriceCents, Stock = sku.Stock ?? 0, Now = now }, tx, cancellationToken: ct));
        }
        var skus = (await connection.QueryAsync<SkuRow>(new CommandDefinition(AllSkus, new { ProductId = req.Id }, tx, cancellationToken: ct)))
            .Select(s => new SkuOutput(s.Id, CatalogRules.ParseSpecs(s.Specs), s.PriceCents, s.Stock)).ToList();
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync(req.Id);
        await Send.OkAsync(new Response(req.Id, skus), ct);
    }

    private sealed record SkuRow(long Id, string Specs, long PriceCents, int Stock);
}
