using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.UpdateBanner;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit, TimeProvider clock) : Endpoint<Request, BannerView>
{
    private const string Update = """
        UPDATE banners SET title = @Title, image = @Image, target_type = @TargetType, target_id = @TargetId, position = @Position,
            starts_at = @StartsAt, ends_at = @EndsAt, enabled = @Enabled, updated_at = @Now
        WHERE id = @Id
        """;

    public override void Configure()
    {
        Put("banners/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Edit, reorder, enable or disable a banner (admin)";
            s.Description = "Replaces every field (the same rules as creating one). The home page shows the change at once; " +
                            "audited as banner.update with before and after.";
            s.ExampleRequest = new Request
            {
                Id = 3, Title = "双十二 数码狂欢", Image = "/media/products/banners/3f9a0c5e2b7d4e1f8a6b5c4d3e2f1a0b.webp",
                TargetType = BannerTargets.Category, TargetId = 1, Position = 10, StartsAt = AdminExamples.At, EndsAt = AdminExamples.At.AddDays(7),
                Enabled = false,
            };
            s.ResponseExamples[200] = AdminBanners.Example with { Enabled = false };
            s.Responses[200] = "The banner as it is now.";
            s.Responses[400] = "Invalid id, title, image, target type, target id, position or window (banner.window_invalid).";
            s.Responses[404] = "No such banner.";
            s.Responses[422] = "No product, category or activity has that id (banner.target_not_found).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<BannerView>(200).ProducesProblems(400, 404, 422), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var before = await AdminBanners.FindAsync(connection, tx, req.Id, forUpdate: true, ct);
        if (before is null)
        {
            await Send.ResultAsync(Problem.NotFound("The banner", code: "banner.not_found"));
            return;
        }
        if (!await AdminBanners.TargetExistsAsync(connection, tx, req.TargetType, req.TargetId, ct))
        {
            await Send.ResultAsync(AdminBanners.TargetMissing(req.TargetType));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(Update, new
        {
            req.Id, Title = req.Title.Trim(), req.Image, req.TargetType, req.TargetId, req.Position,
            StartsAt = AdminBanners.Utc(req.StartsAt), EndsAt = AdminBanners.Utc(req.EndsAt), req.Enabled, Now = now,
        }, tx, cancellationToken: ct));
        var after = (await AdminBanners.FindAsync(connection, tx, req.Id, forUpdate: false, ct))!;
        await audit.WriteAsync(connection, tx, HttpContext, "banner.update", "banner", req.Id, before, after, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync();
        await Send.OkAsync(after, ct);
    }
}
