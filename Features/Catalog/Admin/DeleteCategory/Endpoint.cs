using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.DeleteCategory;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit) : Endpoint<Request>
{
    // Off-shelf products count too: they still belong to the category and may go back on shelf.
    private const string Contents = """
        SELECT (SELECT COUNT(*) FROM products WHERE category_id = @Id) AS Products,
               (SELECT COUNT(*) FROM categories WHERE parent_id = @Id) AS Children
        """;

    private const string DeleteRow = "DELETE FROM categories WHERE id = @Id";

    public override void Configure()
    {
        Delete("categories/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Delete an empty category (admin)";
            s.Description = "Only a category without products (on or off shelf) and without subcategories can go; otherwise " +
                            "409 category.not_empty with the counts. Audited as category.delete.";
            s.Responses[204] = "Deleted.";
            s.Responses[400] = "The id is not a number in range.";
            s.Responses[404] = "No such category.";
            s.Responses[409] = "The category still holds products or subcategories (category.not_empty).";
        });
        Description(d => d.Produces(204).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var before = await AdminCategories.FindAsync(connection, tx, req.Id, forUpdate: true, ct);
        if (before is null)
        {
            await Send.ResultAsync(Problem.NotFound("The category"));
            return;
        }
        var contents = await connection.QuerySingleAsync<ContentsRow>(new CommandDefinition(Contents, new { req.Id }, tx, cancellationToken: ct));
        if (contents.Products > 0 || contents.Children > 0)
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status409Conflict, "Conflict",
                $"The category still holds {contents.Products} products and {contents.Children} subcategories: move or delete them first.",
                code: "category.not_empty", args: new Dictionary<string, object?> { ["products"] = contents.Products, ["children"] = contents.Children }));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(DeleteRow, new { req.Id }, tx, cancellationToken: ct));
        await audit.WriteAsync(connection, tx, HttpContext, "category.delete", "category", req.Id, before, null, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync();
        await Send.NoContentAsync(ct);
    }

    private sealed record ContentsRow(long Products, long Children);
}
