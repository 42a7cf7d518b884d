using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.UpdateCategory;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit) : Endpoint<Request, CategoryView>
{
    private const string Update = """
        UPDATE categories SET name = COALESCE(@Name, name), sort_order = COALESCE(@SortOrder, sort_order), icon = COALESCE(@Icon, icon)
        WHERE id = @Id
        """;

    public override void Configure()
    {
        Put("categories/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Rename, reorder or set the icon of a category (admin)";
            s.Description = "Only the fields sent change. Siblings are shown by sortOrder ascending, ties by id. The category " +
                            "tree and the list pages are invalidated; audited as category.update with before and after.";
            s.ExampleRequest = new Request { Id = 4, Name = "手机通讯", SortOrder = 5, Icon = "/media/icons/phone.svg" };
            s.ResponseExamples[200] = new CategoryView(4, 1, "手机通讯", 5, "/media/icons/phone.svg");
            s.Responses[200] = "The category as it is now.";
            s.Responses[400] = "Invalid id, name, sortOrder or icon, or nothing to change.";
            s.Responses[404] = "No such category.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<CategoryView>(200).ProducesProblems(400, 404), clearDefaults: true);
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
        await connection.ExecuteAsync(new CommandDefinition(Update, new { req.Id, Name = req.Name?.Trim(), req.SortOrder, req.Icon }, tx,
            cancellationToken: ct));
        var after = (await AdminCategories.FindAsync(connection, tx, req.Id, forUpdate: false, ct))!;
        await audit.WriteAsync(connection, tx, HttpContext, "category.update", "category", req.Id, before, after, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync();
        await Send.OkAsync(after, ct);
    }
}
