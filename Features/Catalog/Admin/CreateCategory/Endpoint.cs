using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.CreateCategory;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit) : Endpoint<Request, Response>
{
    private const string FindParent = "SELECT parent_id AS ParentId FROM categories WHERE id = @ParentId";

    private const string Insert = """
        INSERT INTO categories (parent_id, name, sort_order, icon) VALUES (@ParentId, @Name, @SortOrder, @Icon);
        SELECT LAST_INSERT_ID();
        """;

    public override void Configure()
    {
        Post("categories");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Create a category (admin)";
            s.Description = "Two levels: without parentId a top category, with it a subcategory of a top category. " +
                            "Audited as category.create.";
            s.ExampleRequest = new Request("耳机", 1, 20, "/media/icons/earbuds.svg");
            s.ResponseExamples[201] = new Response(7, "耳机", 1);
            s.Responses[201] = "Created.";
            s.Responses[400] = "Invalid name, or the parent is itself a subcategory.";
            s.Responses[404] = "No such parent.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(201).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (req.ParentId is not null)
        {
            var parent = await connection.QueryFirstOrDefaultAsync<ParentRow>(new CommandDefinition(FindParent, new { req.ParentId }, cancellationToken: ct));
            if (parent is null)
            {
                await Send.ResultAsync(Problem.NotFound("The parent category"));
                return;
            }
            if (parent.ParentId is not null)
            {
                await Send.ResultAsync(Problem.Invalid("parentId", "Categories have two levels: the parent must be a top category."));
                return;
            }
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert,
            new { req.ParentId, Name = req.Name.Trim(), req.SortOrder, Icon = req.Icon ?? "" }, tx, cancellationToken: ct));
        await audit.WriteAsync(connection, tx, HttpContext, "category.create", "category", id, null,
            await AdminCategories.FindAsync(connection, tx, id, forUpdate: false, ct), ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync();
        await Send.ResponseAsync(new Response(id, req.Name.Trim(), req.ParentId), StatusCodes.Status201Created, ct);
    }

    private sealed record ParentRow(long? ParentId);
}
