using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.SetStock;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit, TimeProvider clock) : Endpoint<Request, Response>
{
    // Stock may never drop below what unpaid orders hold plus what is sold; the condition makes that atomic.
    private const string SetSkuStock = """
        UPDATE skus SET stock = @Stock, updated_at = @Now WHERE id = @Id AND locked + sold <= @Stock
        """;

    private const string FindProductOfSku = "SELECT product_id FROM skus WHERE id = @Id";

    // A product edit replaces stock too: an edit made before this change must not put the old stock back.
    private const string BumpVersion = "UPDATE products SET version = version + 1, updated_at = @Now WHERE id = @ProductId";

    private const string FindSku = """
        SELECT id AS Id, product_id AS ProductId, stock AS Stock, locked AS Locked, sold AS Sold FROM skus WHERE id = @Id
        """;

    public override void Configure()
    {
        Put("skus/{id}/stock");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Set a SKU's total stock (admin)";
            s.Description = "stock is the total ever sellable; available = stock − locked − sold. It cannot go below locked + sold. " +
                            "Moves the product's version on (an edit made before is refused); audited as sku.stock.";
            s.ExampleRequest = new Request { Id = 11, Stock = 500 };
            s.ResponseExamples[200] = new Response(11, 500, 3, 20, 477);
            s.Responses[200] = "Updated.";
            s.Responses[400] = "Invalid id or stock.";
            s.Responses[404] = "No such SKU.";
            s.Responses[409] = "Below what unpaid orders hold plus what is sold.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        var productId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(FindProductOfSku, new { req.Id }, cancellationToken: ct));
        if (productId is null)
        {
            await Send.ResultAsync(Problem.NotFound("The SKU"));
            return;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The product row first, as every console edit of the product does: edits of one product queue up, never deadlock.
        await AdminProducts.LockAsync(connection, tx, productId.Value, now, ct);
        var before = await connection.QuerySingleAsync<SkuRow>(new CommandDefinition(FindSku, new { req.Id }, tx, cancellationToken: ct));
        var updated = await connection.ExecuteAsync(new CommandDefinition(SetSkuStock,
            new { req.Id, Stock = req.Stock!.Value, Now = now }, tx, cancellationToken: ct));
        var sku = await connection.QuerySingleAsync<SkuRow>(new CommandDefinition(FindSku, new { req.Id }, tx, cancellationToken: ct));
        if (updated == 0)
        {
            await Send.ResultAsync(Problem.Conflict(
                $"Stock cannot be set below {sku.Locked + sku.Sold}: {sku.Locked} held by unpaid orders and {sku.Sold} sold."));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(BumpVersion, new { ProductId = sku.ProductId, Now = now }, tx, cancellationToken: ct));
        await audit.WriteAsync(connection, tx, HttpContext, "sku.stock", "sku", sku.Id, before, sku, ct);
        await tx.CommitAsync(ct);
        await cache.StockChangedAsync([sku.ProductId]);
        await Send.OkAsync(new Response(sku.Id, sku.Stock, sku.Locked, sku.Sold, sku.Stock - sku.Locked - sku.Sold), ct);
    }

    private sealed record SkuRow(long Id, long ProductId, int Stock, int Locked, int Sold);
}
