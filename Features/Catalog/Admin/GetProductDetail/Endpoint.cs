using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.GetProductDetail;

public sealed class Endpoint(MySqlDataSource db, TimeProvider clock) : Endpoint<Request, AdminProductDetail>
{
    public override void Configure()
    {
        Get("products/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "A product as the console sees it (admin)";
            s.Description = "On or off shelf, never cached: every SKU with stock, locked, sold and available, the images in " +
                            "display order with their ids, and the version an edit must name (also sent as the ETag).";
            s.ResponseExamples[200] = AdminExamples.Product;
            s.Responses[200] = "The product.";
            s.Responses[400] = "The id is not a number in range.";
            s.Responses[404] = "No such product.";
        });
        Description(d => d.Produces<AdminProductDetail>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // Images given only as paths become rows with ids the first time the console looks (under the row lock).
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            if (await AdminProducts.LockAsync(connection, tx, req.Id, clock.GetUtcNow().UtcDateTime, ct) is null)
            {
                await Send.ResultAsync(Problem.NotFound("The product"));
                return;
            }
            await tx.CommitAsync(ct);
        }
        var product = (await AdminProducts.FindAsync(connection, null, req.Id, ct))!;
        HttpContext.Response.Headers.ETag = AdminProducts.ETag(product.Version);
        await Send.OkAsync(product, ct);
    }
}
