using System.Text.Json;
using Dapper;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin;

/// <summary>Where an activity stands for an operator (a shopper sees fewer states: ActivityStatus).</summary>
public static class AdminActivityStatus
{
    public const string Draft = "Draft";
    public const string Scheduled = "Scheduled";
    public const string Live = "Live";
    public const string SoldOut = "SoldOut";
    public const string Ended = "Ended";
    public const string Cancelled = "Cancelled";

    public static readonly string[] All = [Draft, Scheduled, Live, SoldOut, Ended, Cancelled];
}

public sealed record AdminActivitySku(long Id, long ProductId, string ProductTitle, Dictionary<string, string> Specs, long PriceCents);

/// <summary>
/// One activity as the console shows it. stock: the initial units reserved from the SKU; remaining: units the activity
/// can still sell (Redis); releasedToSku: units given back to the SKU (cancel, close-out); sold: units taken by shoppers
/// and not returned (stock − remaining − releasedToSku: orders written or about to be).
/// </summary>
public sealed record AdminActivity(long Id, string Title, [ValuesOf(typeof(AdminActivityStatus))] string Status, AdminActivitySku Sku,
    long PriceCents, int Stock, long Sold, long Remaining, long ReleasedToSku, int LimitPerUser, int ChallengeBits, int? PaymentSeconds,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset? PublishedAt, DateTimeOffset? CancelledAt, DateTimeOffset? ClosedAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record AdminActivityPage(IReadOnlyList<AdminActivity> Items, int Page, int PageSize, long Total);

/// <summary>
/// The console's reads: every activity, drafts and cancelled ones included, rows from MySQL and the remaining stock
/// from Redis (one GET per activity, pipelined). Live and SoldOut differ only by that stock, so those two filters read
/// the activities in their window (few at any time) and page in memory; the others page in SQL.
/// </summary>
public static class AdminActivityQueries
{
    private const string Select = """
        SELECT a.id AS Id, a.title AS Title, a.sku_id AS SkuId, s.product_id AS ProductId, p.title AS ProductTitle, s.specs AS Specs,
               s.price_cents AS SkuPriceCents, a.price_cents AS PriceCents, a.stock AS Stock, a.limit_per_user AS LimitPerUser,
               a.challenge_bits AS ChallengeBits, a.payment_seconds AS PaymentSeconds, a.starts_at AS StartsAt, a.ends_at AS EndsAt,
               a.published_at AS PublishedAt, a.cancelled_at AS CancelledAt, a.closed_at AS ClosedAt, a.released_units AS ReleasedUnits,
               a.created_at AS CreatedAt, a.updated_at AS UpdatedAt
        FROM seckill_activities a
        JOIN skus s ON s.id = a.sku_id
        JOIN products p ON p.id = s.product_id
        """;

    /// <summary>The SQL condition of each status ("live window" for Live and SoldOut, split by the Redis stock afterwards).</summary>
    private static string Where(string? status) => status switch
    {
        AdminActivityStatus.Cancelled => "a.cancelled_at IS NOT NULL",
        AdminActivityStatus.Ended => "a.cancelled_at IS NULL AND (a.ends_at <= @Now OR a.closed_at IS NOT NULL)",
        AdminActivityStatus.Draft => "a.cancelled_at IS NULL AND a.ends_at > @Now AND a.closed_at IS NULL AND a.published_at IS NULL",
        AdminActivityStatus.Scheduled => "a.cancelled_at IS NULL AND a.ends_at > @Now AND a.closed_at IS NULL AND a.published_at IS NOT NULL AND a.starts_at > @Now",
        AdminActivityStatus.Live or AdminActivityStatus.SoldOut =>
            "a.cancelled_at IS NULL AND a.ends_at > @Now AND a.closed_at IS NULL AND a.published_at IS NOT NULL AND a.starts_at <= @Now",
        _ => "1 = 1",
    };

    /// <summary>Bound on the activities in their live window read to filter Live / SoldOut in memory.</summary>
    private const int MaxInWindow = 1000;

    public static async Task<AdminActivityPage> PageAsync(MySqlConnection connection, IDatabase redis, string? status, int page, int pageSize,
        DateTime nowUtc, CancellationToken ct)
    {
        var args = new { Now = nowUtc, Offset = (page - 1) * pageSize, Limit = pageSize, Max = MaxInWindow };
        var where = Where(status);
        if (status is AdminActivityStatus.Live or AdminActivityStatus.SoldOut)
        {
            var inWindow = await ViewsAsync(await connection.QueryAsync<Row>(new CommandDefinition(
                Select + $" WHERE {where} ORDER BY a.id DESC LIMIT @Max", args, cancellationToken: ct)), redis, nowUtc);
            var matching = inWindow.Where(a => a.Status == status).ToList();
            return new AdminActivityPage(matching.Skip(args.Offset).Take(pageSize).ToList(), page, pageSize, matching.Count);
        }
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM seckill_activities a WHERE {where}", args, cancellationToken: ct));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            Select + $" WHERE {where} ORDER BY a.id DESC LIMIT @Limit OFFSET @Offset", args, cancellationToken: ct));
        return new AdminActivityPage(await ViewsAsync(rows, redis, nowUtc), page, pageSize, total);
    }

    public static async Task<AdminActivity?> FindAsync(MySqlConnection connection, IDatabase redis, long id, DateTime nowUtc, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE a.id = @Id", new { Id = id },
            cancellationToken: ct));
        return row is null ? null : (await ViewsAsync([row], redis, nowUtc))[0];
    }

    /// <summary>The activities of these ids (any order), with their live figures.</summary>
    public static async Task<IReadOnlyList<AdminActivity>> ViewsAsync(IEnumerable<Row> rows, IDatabase redis, DateTime nowUtc)
    {
        var list = rows.ToList();
        // Drafts have nothing in Redis; the others' keys live in different cluster slots, so one GET each, all in flight.
        var stocks = await Task.WhenAll(list.Select(r => r.PublishedAt is null ? Task.FromResult(RedisValue.Null) : redis.StringGetAsync(new ActivityKeys(r.Id).Stock)));
        return list.Select((r, i) => r.ToView(stocks[i], nowUtc)).ToList();
    }

    public static Task<IEnumerable<Row>> RowsAsync(MySqlConnection connection, string condition, object args, CancellationToken ct) =>
        connection.QueryAsync<Row>(new CommandDefinition(Select + " WHERE " + condition, args, cancellationToken: ct));

    public sealed class Row
    {
        public long Id { get; set; }
        public string Title { get; set; } = "";
        public long SkuId { get; set; }
        public long ProductId { get; set; }
        public string ProductTitle { get; set; } = "";
        public string Specs { get; set; } = "{}";
        public long SkuPriceCents { get; set; }
        public long PriceCents { get; set; }
        public int Stock { get; set; }
        public int LimitPerUser { get; set; }
        public int ChallengeBits { get; set; }
        public int? PaymentSeconds { get; set; }
        public DateTime StartsAt { get; set; }
        public DateTime EndsAt { get; set; }
        public DateTime? PublishedAt { get; set; }
        public DateTime? CancelledAt { get; set; }
        public DateTime? ClosedAt { get; set; }
        public int ReleasedUnits { get; set; }
        public DateTime CreatedAt { get; set; }
        public DateTime UpdatedAt { get; set; }

        public AdminActivity ToView(RedisValue redisStock, DateTime nowUtc)
        {
            // No stock key: a draft or an activity never warmed (nothing sold), or one closed out whose keys expired (nothing left).
            var remaining = !redisStock.IsNull && redisStock.TryParse(out long left) ? left : ClosedAt is not null ? 0 : Stock - ReleasedUnits;
            remaining = Math.Max(0, remaining);
            var status = CancelledAt is not null ? AdminActivityStatus.Cancelled
                : ClosedAt is not null || EndsAt <= nowUtc ? AdminActivityStatus.Ended
                : PublishedAt is null ? AdminActivityStatus.Draft
                : nowUtc < StartsAt ? AdminActivityStatus.Scheduled
                : remaining <= 0 ? AdminActivityStatus.SoldOut
                : AdminActivityStatus.Live;
            return new AdminActivity(Id, Title, status, new AdminActivitySku(SkuId, ProductId, ProductTitle, ParseSpecs(Specs), SkuPriceCents),
                PriceCents, Stock, Math.Max(0, Stock - remaining - ReleasedUnits), remaining, ReleasedUnits, LimitPerUser, ChallengeBits,
                PaymentSeconds, Utc(StartsAt), Utc(EndsAt), Utc(PublishedAt), Utc(CancelledAt), Utc(ClosedAt), Utc(CreatedAt), Utc(UpdatedAt));
        }

        private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
        private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;

        private static Dictionary<string, string> ParseSpecs(string json)
        {
            try { return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []; }
            catch (JsonException) { return []; }
        }
    }
}

/// <summary>The console's documented examples.</summary>
public static class AdminActivityExamples
{
    public static readonly AdminActivity Activity = new(42, "iPhone 秒杀", AdminActivityStatus.Live,
        new AdminActivitySku(7, 3, "iPhone 16", new Dictionary<string, string> { ["颜色"] = "黑" }, 599900),
        399900, 100, 87, 13, 0, 1, 0, null,
        DateTimeOffset.Parse("2026-11-25T12:00:00Z"), DateTimeOffset.Parse("2026-11-25T12:30:00Z"), DateTimeOffset.Parse("2026-11-25T11:00:00Z"),
        null, null, DateTimeOffset.Parse("2026-11-24T09:00:00Z"), DateTimeOffset.Parse("2026-11-25T11:00:00Z"));

    public static readonly AdminActivityPage Page = new([Activity], 1, 20, 1);
}
