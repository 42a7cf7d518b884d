using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.ListProductImages;

public sealed class Endpoint(MySqlDataSource db, TimeProvider clock) : Endpoint<Request, ProductImageList>
{
    public override void Configure()
    {
        Get("products/{id}/images");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "A product's images in display order (admin)";
            s.Description = "Uploaded images carry their type, pixel size and bytes; linked ones (paths given at creation) an " +
                            "empty contentType. The first is the product's cover in lists, carts and orders.";
            s.ResponseExamples[200] = new ProductImageList(1, [AdminExamples.Image]);
            s.Responses[200] = "The images.";
            s.Responses[400] = "The id is not a number in range.";
            s.Responses[404] = "No such product.";
        });
        Description(d => d.Produces<ProductImageList>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Images given only as paths become rows with ids the first time the console looks.
        if (await AdminProducts.LockAsync(connection, tx, req.Id, clock.GetUtcNow().UtcDateTime, ct) is null)
        {
            await Send.ResultAsync(Problem.NotFound("The product"));
            return;
        }
        var images = await AdminProducts.ImagesAsync(connection, tx, req.Id, ct);
        await tx.CommitAsync(ct);
        await Send.OkAsync(images, ct);
    }
}
