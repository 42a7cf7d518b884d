using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.SortProductImages;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit, TimeProvider clock) : Endpoint<Request, ProductImageList>
{
    private const string SetPosition = "UPDATE product_images SET position = @Position WHERE id = @ImageId AND product_id = @Id";

    public override void Configure()
    {
        Put("products/{id}/images/order");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Reorder a product's images (admin)";
            s.Description = "imageIds names every image of the product once, in the new order; the first becomes the cover " +
                            "in lists, carts and new orders. The shop's pages follow at once; audited as product.image.reorder.";
            s.ExampleRequest = new Request { Id = 1, ImageIds = [32, 31] };
            s.ResponseExamples[200] = new ProductImageList(1, [AdminExamples.Image]);
            s.Responses[200] = "Reordered; the images in their new order.";
            s.Responses[400] = "Invalid ids, or imageIds is not exactly the product's images.";
            s.Responses[404] = "No such product.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<ProductImageList>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await AdminProducts.LockAsync(connection, tx, req.Id, now, ct) is null)
        {
            await Send.ResultAsync(Problem.NotFound("The product"));
            return;
        }
        var before = await AdminProducts.ImagesAsync(connection, tx, req.Id, ct);
        if (!before.Images.Select(i => i.Id).Order().SequenceEqual(req.ImageIds.Order()))
        {
            await Send.ResultAsync(Problem.Invalid("imageIds", "Name every image of the product exactly once (reload the images: they may have changed)."));
            return;
        }
        for (var i = 0; i < req.ImageIds.Length; i++)
            await connection.ExecuteAsync(new CommandDefinition(SetPosition, new { req.Id, ImageId = req.ImageIds[i], Position = i }, tx, cancellationToken: ct));
        await AdminProducts.SyncImagesJsonAsync(connection, tx, req.Id, now, ct);
        var after = await AdminProducts.ImagesAsync(connection, tx, req.Id, ct);
        await audit.WriteAsync(connection, tx, HttpContext, "product.image.reorder", "product", req.Id, before, after, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync(req.Id);
        await Send.OkAsync(after, ct);
    }
}
