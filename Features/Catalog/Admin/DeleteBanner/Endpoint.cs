using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.DeleteBanner;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("banners/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Delete a banner (admin)";
            s.Description = "Gone from the home page at once (to hide one for a while, disable it instead). Its image file " +
                            "stays: names are content hashes another banner may share. Audited as banner.delete.";
            s.Responses[204] = "Deleted.";
            s.Responses[400] = "The id is not a number in range.";
            s.Responses[404] = "No such banner.";
        });
        Description(d => d.Produces(204).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var before = await AdminBanners.FindAsync(connection, tx, req.Id, forUpdate: true, ct);
        if (before is null)
        {
            await Send.ResultAsync(Problem.NotFound("The banner", code: "banner.not_found"));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM banners WHERE id = @Id", new { req.Id }, tx, cancellationToken: ct));
        await audit.WriteAsync(connection, tx, HttpContext, "banner.delete", "banner", req.Id, before, null, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync();
        await Send.NoContentAsync(ct);
    }
}
