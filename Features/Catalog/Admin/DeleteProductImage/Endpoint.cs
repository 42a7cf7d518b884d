using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.DeleteProductImage;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, ProductImageStore store, AdminAudit audit, TimeProvider clock)
    : Endpoint<Request, ProductImageList>
{
    private const string FindImage = "SELECT url FROM product_images WHERE id = @ImageId AND product_id = @Id";

    private const string DeleteRow = "DELETE FROM product_images WHERE id = @ImageId";

    // Positions stay 0..n-1 without gaps.
    private const string Renumber = """
        UPDATE product_images SET position = position - 1 WHERE product_id = @Id AND position > @Position
        """;

    private const string PositionOf = "SELECT position FROM product_images WHERE id = @ImageId";

    private const string UrlStillUsed = "SELECT COUNT(*) FROM product_images WHERE product_id = @Id AND url = @Url";

    public override void Configure()
    {
        Delete("products/{id}/images/{imageId}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Delete an image of a product (admin)";
            s.Description = "The images after it move up one place. An uploaded file no other image of the product uses is " +
                            "removed from disk (browsers may keep their cached copy). Audited as product.image.delete.";
            s.ResponseExamples[200] = new ProductImageList(1, [AdminExamples.Image]);
            s.Responses[200] = "Deleted; the product's images as they are now.";
            s.Responses[400] = "An id is not a number in range.";
            s.Responses[404] = "No such product, or no such image of it.";
        });
        Description(d => d.Produces<ProductImageList>(200).ProducesProblems(400, 404), clearDefaults: true);
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
        var url = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(FindImage, new { req.Id, req.ImageId }, tx, cancellationToken: ct));
        if (url is null)
        {
            await Send.ResultAsync(Problem.NotFound($"Image {req.ImageId} of this product"));
            return;
        }
        var before = await AdminProducts.ImagesAsync(connection, tx, req.Id, ct);
        var position = await connection.ExecuteScalarAsync<int>(new CommandDefinition(PositionOf, new { req.ImageId }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DeleteRow, new { req.ImageId }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(Renumber, new { req.Id, Position = position }, tx, cancellationToken: ct));
        await AdminProducts.SyncImagesJsonAsync(connection, tx, req.Id, now, ct);
        var after = await AdminProducts.ImagesAsync(connection, tx, req.Id, ct);
        await audit.WriteAsync(connection, tx, HttpContext, "product.image.delete", "product", req.Id, before, after, ct);
        // Under the row lock, so an upload of the same picture cannot write the file between this check and the delete.
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(UrlStillUsed, new { req.Id, Url = url }, tx, cancellationToken: ct)) == 0)
            store.Delete(url);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync(req.Id);
        await Send.OkAsync(after, ct);
    }
}
