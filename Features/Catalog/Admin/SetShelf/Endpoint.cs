using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.SetShelf;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string SetOnShelf = "UPDATE products SET on_shelf = @OnShelf, updated_at = @Now WHERE id = @Id";

    private const string CurrentShelf = "SELECT on_shelf FROM products WHERE id = @Id FOR UPDATE";

    public override void Configure()
    {
        Post("products/{id}/shelf");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Put a product on or off shelf (admin)";
            s.Description = "Off-shelf products disappear from lists and detail (404) and cannot be ordered; carts flag them. " +
                            "Audited as product.shelf.";
            s.ExampleRequest = new Request { Id = 1, OnShelf = false };
            s.ResponseExamples[200] = new Response(1, false);
            s.Responses[200] = "Done (repeating it is harmless).";
            s.Responses[400] = "Invalid id or missing onShelf.";
            s.Responses[404] = "No such product.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(CurrentShelf, new { req.Id }, tx, cancellationToken: ct));
        if (current is null)
        {
            await Send.ResultAsync(Problem.NotFound("The product"));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(SetOnShelf,
            new { req.Id, OnShelf = req.OnShelf!.Value, Now = clock.GetUtcNow().UtcDateTime }, tx, cancellationToken: ct));
        await audit.WriteAsync(connection, tx, HttpContext, "product.shelf", "product", req.Id, new Response(req.Id, current.Value),
            new Response(req.Id, req.OnShelf.Value), ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync(req.Id);
        await Send.OkAsync(new Response(req.Id, req.OnShelf.Value), ct);
    }
}
