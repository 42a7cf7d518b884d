using System.Text.Json;
using Dapper;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Activities;

public sealed record SkuView(long Id, long ProductId, string Title, Dictionary<string, string> Specs, string? Image);

public sealed record ActivityView(long Id, string Title, SkuView Sku, long PriceCents, long OriginalPriceCents,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int LimitPerUser, long StockLeft, string Status);

/// <summary>The shopper's view of activities: rows from MySQL, live stock from Redis (pipelined, one GET per key).</summary>
public static class ActivityQueries
{
    public const string Upcoming = "Upcoming";
    public const string Live = "Live";
    public const string SoldOut = "SoldOut";
    public const string Ended = "Ended";

    private const string Select = """
        SELECT a.id AS Id, a.title AS Title, a.sku_id AS SkuId, s.product_id AS ProductId, p.title AS ProductTitle,
               s.specs AS Specs, p.images AS Images, a.price_cents AS PriceCents, s.price_cents AS OriginalPriceCents,
               a.stock AS Stock, a.limit_per_user AS LimitPerUser, a.starts_at AS StartsAt, a.ends_at AS EndsAt
        FROM seckill_activities a
        JOIN skus s ON s.id = a.sku_id
        JOIN products p ON p.id = s.product_id
        WHERE a.published_at IS NOT NULL
        """;

    public static async Task<IReadOnlyList<ActivityView>> ListAsync(MySqlConnection connection, IDatabase redis, DateTime nowUtc,
        CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<ActivityRow>(new CommandDefinition(
            Select + " AND a.ends_at > @Now ORDER BY a.starts_at, a.id LIMIT 100", new { Now = nowUtc }, cancellationToken: ct))).ToList();
        return await ViewsAsync(rows, redis, nowUtc);
    }

    public static async Task<ActivityView?> FindAsync(MySqlConnection connection, IDatabase redis, long id, DateTime nowUtc,
        CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ActivityRow>(new CommandDefinition(
            Select + " AND a.id = @Id", new { Id = id }, cancellationToken: ct));
        return row is null ? null : (await ViewsAsync([row], redis, nowUtc))[0];
    }

    private static async Task<IReadOnlyList<ActivityView>> ViewsAsync(IReadOnlyList<ActivityRow> rows, IDatabase redis, DateTime nowUtc)
    {
        // One GET per activity, all in flight together: keys of different activities live in different cluster slots.
        var stocks = await Task.WhenAll(rows.Select(r => redis.StringGetAsync(new ActivityKeys(r.Id).Stock)));
        return rows.Select((r, i) => r.ToView(stocks[i].TryParse(out long left) ? left : r.Stock, nowUtc)).ToList();
    }

    private sealed record ActivityRow(long Id, string Title, long SkuId, long ProductId, string ProductTitle, string Specs,
        string Images, long PriceCents, long OriginalPriceCents, int Stock, int LimitPerUser, DateTime StartsAt, DateTime EndsAt)
    {
        public ActivityView ToView(long stockLeft, DateTime nowUtc)
        {
            var status = nowUtc < StartsAt ? Upcoming : nowUtc >= EndsAt ? Ended : stockLeft <= 0 ? SoldOut : Live;
            return new ActivityView(Id, Title, new SkuView(SkuId, ProductId, ProductTitle, ParseSpecs(Specs), FirstImage(Images)),
                PriceCents, OriginalPriceCents, Utc(StartsAt), Utc(EndsAt), LimitPerUser, Math.Max(0, stockLeft), status);
        }

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

        private static Dictionary<string, string> ParseSpecs(string json)
        {
            try { return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []; }
            catch (JsonException) { return []; }
        }

        private static string? FirstImage(string json)
        {
            try { return JsonSerializer.Deserialize<string[]>(json) is [var first, ..] ? first : null; }
            catch (JsonException) { return null; }
        }
    }
}
