using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.CreateBanner;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, AdminAudit audit, TimeProvider clock) : Endpoint<Request, BannerView>
{
    private const string Insert = """
        INSERT INTO banners (title, image, target_type, target_id, position, starts_at, ends_at, enabled, created_at, updated_at)
        VALUES (@Title, @Image, @TargetType, @TargetId, @Position, @StartsAt, @EndsAt, @Enabled, @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    public override void Configure()
    {
        Post("banners");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Create a home page banner (admin)";
            s.Description = "An image (a site-local path, usually from POST /admin/banners/images), a title, what a tap opens " +
                            "(targetType product | category | seckill and its id, which must exist), a position and an optional " +
                            "window (UTC, end exclusive). The shop's home page shows it within a minute of its window opening, " +
                            "at once if already open. Audited as banner.create.";
            s.ExampleRequest = new Request("双十二 数码狂欢", "/media/products/banners/3f9a0c5e2b7d4e1f8a6b5c4d3e2f1a0b.webp", BannerTargets.Category, 1, 10,
                AdminExamples.At, AdminExamples.At.AddDays(7));
            s.ResponseExamples[201] = AdminBanners.Example;
            s.Responses[201] = "Created.";
            s.Responses[400] = "Invalid title, image, target type, id, position or window (banner.window_invalid: the end is not after the start).";
            s.Responses[422] = "No product, category or activity has that id (banner.target_not_found).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<BannerView>(201).ProducesProblems(400, 422), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await AdminBanners.TargetExistsAsync(connection, tx, req.TargetType, req.TargetId, ct))
        {
            await Send.ResultAsync(AdminBanners.TargetMissing(req.TargetType));
            return;
        }
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert, new
        {
            Title = req.Title.Trim(), req.Image, req.TargetType, req.TargetId, req.Position,
            StartsAt = AdminBanners.Utc(req.StartsAt), EndsAt = AdminBanners.Utc(req.EndsAt), req.Enabled, Now = now,
        }, tx, cancellationToken: ct));
        var created = (await AdminBanners.FindAsync(connection, tx, id, forUpdate: false, ct))!;
        await audit.WriteAsync(connection, tx, HttpContext, "banner.create", "banner", id, null, created, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync();
        await Send.ResponseAsync(created, StatusCodes.Status201Created, ct);
    }
}
