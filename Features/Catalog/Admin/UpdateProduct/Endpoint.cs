using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.UpdateProduct;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string UpdateProductRow = """
        UPDATE products SET category_id = @CategoryId, title = @Title, subtitle = @Subtitle, description = @Description,
            version = version + 1, updated_at = @Now
        WHERE id = @Id
        """;

    // Stock may never drop below what unpaid orders hold plus what is sold; the condition makes that atomic.
    private const string UpdateSku = """
        UPDATE skus SET specs = @Specs, price_cents = @PriceCents, stock = COALESCE(@Stock, stock), updated_at = @Now
        WHERE id = @SkuId AND product_id = @ProductId AND (@Stock IS NULL OR locked + sold <= @Stock)
        """;

    private const string FindSku = "SELECT locked + sold FROM skus WHERE id = @SkuId AND product_id = @ProductId";

    public override void Configure()
    {
        Put("products/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Edit a product and its SKUs (admin)";
            s.Description = "Replaces the product fields; SKUs with an id get new specs, price and (when given) stock, SKUs " +
                            "without one are added. version must be the product's current version: a stale edit is refused " +
                            "(409 product.version_conflict) and overwrites nothing; of two edits made from the same version " +
                            "exactly one wins. Images have endpoints of their own (an images field is ignored). Placed orders " +
                            "keep their snapshots; the product's cache keys and the list pages are invalidated; audited as product.update.";
            s.ExampleRequest = new Request
            {
                Id = 1, Version = 3, CategoryId = 4, Title = "星河 X5 智能手机", Subtitle = "6.7 英寸 OLED", Description = "旗舰影像",
                Skus = [new SkuInput(11, new() { ["颜色"] = "曜石黑" }, 279900, 150), new SkuInput(null, new() { ["颜色"] = "冰川蓝" }, 279900, 50)],
            };
            s.ResponseExamples[200] = new Response(1, 4,
                [new SkuOutput(11, new() { ["颜色"] = "曜石黑" }, 279900, 150), new SkuOutput(12, new() { ["颜色"] = "冰川蓝" }, 279900, 50)]);
            s.Responses[200] = "Updated; the new version (also the ETag) and all SKUs of the product.";
            s.Responses[400] = "Invalid fields, or no version.";
            s.Responses[404] = "No such product, category or SKU of this product.";
            s.Responses[409] = "The product changed since the version named (product.version_conflict), or a stock below what " +
                               "unpaid orders hold plus what is sold (product.stock_below_committed).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
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
        // The row lock queues concurrent edits of this product: the second sees the first one's version and is refused.
        var version = await AdminProducts.LockAsync(connection, tx, req.Id, now, ct);
        if (version is null)
        {
            await Send.ResultAsync(Problem.NotFound("The product"));
            return;
        }
        if (version != req.Version)
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status409Conflict, "Conflict",
                $"The product was changed by someone else (now version {version}, the edit was made from {req.Version}). Reload it and edit again.",
                code: "product.version_conflict", args: new Dictionary<string, object?> { ["current"] = version, ["sent"] = req.Version }));
            return;
        }
        var before = await AdminProducts.FindAsync(connection, tx, req.Id, ct);
        await connection.ExecuteAsync(new CommandDefinition(UpdateProductRow, new
        {
            req.Id, req.CategoryId, Title = req.Title.Trim(), Subtitle = req.Subtitle?.Trim() ?? "", Description = req.Description ?? "", Now = now,
        }, tx, cancellationToken: ct));
        foreach (var sku in req.Skus)
        {
            var specs = CatalogRules.ToJson(sku.Specs);
            if (sku.Id is { } skuId)
            {
                var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateSku,
                    new { SkuId = skuId, ProductId = req.Id, Specs = specs, sku.PriceCents, sku.Stock, Now = now }, tx, cancellationToken: ct));
                if (changed > 0) continue;
                var committed = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(FindSku, new { SkuId = skuId, ProductId = req.Id }, tx,
                    cancellationToken: ct));
                await Send.ResultAsync(committed is null
                    ? Problem.NotFound($"SKU {skuId} of this product")
                    : Problem.Of(StatusCodes.Status409Conflict, "Conflict",
                        $"SKU {skuId}: stock cannot be set below {committed}, what unpaid orders hold plus what is sold.",
                        code: "product.stock_below_committed", args: new Dictionary<string, object?> { ["skuId"] = skuId, ["min"] = committed }));
                return;
            }
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(CreateProduct.Endpoint.InsertSku,
                new { ProductId = req.Id, Specs = specs, sku.PriceCents, Stock = sku.Stock ?? 0, Now = now }, tx, cancellationToken: ct));
        }
        var after = (await AdminProducts.FindAsync(connection, tx, req.Id, ct))!;
        await audit.WriteAsync(connection, tx, HttpContext, "product.update", "product", req.Id, before, after, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync(req.Id);
        HttpContext.Response.Headers.ETag = AdminProducts.ETag(after.Version);
        await Send.OkAsync(new Response(req.Id, after.Version, after.Skus.Select(s => new SkuOutput(s.Id, s.Specs, s.PriceCents, s.Stock)).ToList()), ct);
    }
}
