using Dapper;
using FastEndpoints;
using Mall.Features.Catalog.Admin;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Catalog.ListBanners;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    private const string Shown = """
        SELECT id AS Id, title AS Title, image AS Image, target_type AS TargetType, target_id AS TargetId
        FROM banners
        WHERE enabled = 1 AND (starts_at IS NULL OR starts_at <= @At) AND (ends_at IS NULL OR ends_at > @At)
        ORDER BY position, id
        LIMIT 20
        """;

    public override void Configure()
    {
        Get("banners");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "The home page's banners";
            s.Description = "Enabled banners whose window contains the current minute (the list is worked out once a minute " +
                            "and cached like the catalog; a console edit shows at once), by position then id, at most 20. " +
                            "targetType says what targetId names: product, category or seckill (an activity).";
            s.ResponseExamples[200] = new Response([new BannerItem(3, "双十二 数码狂欢", "/media/products/banners/3f9a0c5e2b7d4e1f8a6b5c4d3e2f1a0b.webp",
                BannerTargets.Category, 1)]);
            s.Responses[200] = "The banners to show, maybe none.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
        // A hot cached read on every home page: nginx logs every access in front of the API.
        Options(b => b.WithMetadata(new QuietRequestLog()));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        // Key cat:banners:{<list version>:<minute>}: a window opens or closes within a minute without any write.
        var now = clock.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        var banners = await cache.GetOrLoadVersionedAsync("cat:banners", $":{minute}", CacheKind.Banners, cache.ListTtl,
            c => LoadAsync(DateTimeOffset.FromUnixTimeSeconds(minute * 60).UtcDateTime, c), ct);
        await HttpContext.SendCachedJsonAsync(banners, ct);
    }

    private async Task<Response?> LoadAsync(DateTime at, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<BannerItem>(new CommandDefinition(Shown, new { At = at }, cancellationToken: ct));
        return new Response(rows.ToList());
    }
}
