using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using MySqlConnector;
using StackExchange.Redis;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill;

public sealed record SkuView(long Id, long ProductId, string Title, Dictionary<string, string> Specs, string? Image);

public sealed record ActivityView(long Id, string Title, SkuView Sku, long PriceCents, long OriginalPriceCents,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int LimitPerUser, long StockLeft, [ValuesOf(typeof(ActivityStatus))] string Status, int ChallengeBits = 0);

/// <summary>Where an activity stands for a shopper, from the clock and the live stock.</summary>
public static class ActivityStatus
{
    public const string Upcoming = "Upcoming";
    public const string Live = "Live";
    public const string SoldOut = "SoldOut";
    public const string Ended = "Ended";
}

/// <summary>
/// The shopper's view of activities: rows from MySQL, live stock from Redis (pipelined, one GET per key). Everyone
/// opens the activity page in the minute before a sale, so the rows (never the stock) are kept per instance for
/// Seckill:ActivityRowsLifetime: one MySQL query per activity and instance per lifetime, however many shoppers ask.
/// An admin's change shows within that lifetime. Concurrent misses share one load; a failed load is not kept.
/// </summary>
public sealed class ActivityQueries(MySqlDataSource db, IDatabase redis, SeckillOptions options, TimeProvider clock)
{
    /// <summary>Ids remembered at most (found or not): a scan over made-up ids cannot grow the cache without bound.</summary>
    private const int MaxRemembered = 1024;

    private const string Select = """
        SELECT a.id AS Id, a.title AS Title, a.sku_id AS SkuId, s.product_id AS ProductId, p.title AS ProductTitle,
               s.specs AS Specs, p.images AS Images, a.price_cents AS PriceCents, s.price_cents AS OriginalPriceCents,
               a.stock AS Stock, a.limit_per_user AS LimitPerUser, a.starts_at AS StartsAt, a.ends_at AS EndsAt,
               a.challenge_bits AS ChallengeBits, a.payment_seconds AS PaymentSeconds, a.cancelled_at AS CancelledAt
        FROM seckill_activities a
        JOIN skus s ON s.id = a.sku_id
        JOIN products p ON p.id = s.product_id
        WHERE a.published_at IS NOT NULL
        """;

    private sealed record Cached<T>(Lazy<Task<T>> Load, long ExpiresAtMs);

    private readonly ConcurrentDictionary<long, Cached<ActivityRow?>> _byId = new();
    private Cached<IReadOnlyList<ActivityRow>>? _upcomingAndLive;

    public async Task<IReadOnlyList<ActivityView>> ListAsync(CancellationToken ct)
    {
        var nowUtc = clock.GetUtcNow().UtcDateTime;
        var cached = _upcomingAndLive;
        if (!Usable(cached)) _upcomingAndLive = cached = Remember(LoadListAsync);
        // Rows were loaded up to a lifetime ago: an activity that ended since is dropped here.
        var rows = (await cached!.Load.Value.WaitAsync(ct)).Where(r => r.EndsAt > nowUtc).ToList();
        return await ViewsAsync(rows, nowUtc);
    }

    public async Task<ActivityView?> FindAsync(long id, CancellationToken ct)
    {
        var row = await RowAsync(id, ct);
        return row is null ? null : (await ViewsAsync([row], clock.GetUtcNow().UtcDateTime))[0];
    }

    /// <summary>The proof of work the activity asks before each token (0: none; also for an unknown activity). From the
    /// instance's rows only, without the live stock: the token path pays no extra round trip for it.</summary>
    public async Task<int> ChallengeBitsAsync(long id, CancellationToken ct) => (await RowAsync(id, ct))?.ChallengeBits ?? 0;

    /// <summary>How long the activity's orders wait for payment (null: Seckill:OrderExpiry); from the instance's rows.</summary>
    /// <summary>Whether the activity is published, from the instance's rows (no live stock read).</summary>
    public async Task<bool> ExistsAsync(long id, CancellationToken ct) => await RowAsync(id, ct) is not null;

    public async Task<TimeSpan?> PaymentWindowAsync(long id, CancellationToken ct) =>
        (await RowAsync(id, ct))?.PaymentSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private async Task<ActivityRow?> RowAsync(long id, CancellationToken ct)
    {
        if (!_byId.TryGetValue(id, out var cached) || !Usable(cached))
        {
            if (_byId.Count >= MaxRemembered) _byId.Clear();
            var fresh = Remember(() => LoadOneAsync(id));
            cached = _byId.AddOrUpdate(id, fresh, (_, current) => Usable(current) ? current : fresh);
        }
        return await cached.Load.Value.WaitAsync(ct);
    }

    /// <summary>An admin published or changed the activity: this instance reads it (and the list) again.</summary>
    public void Forget(long id)
    {
        _byId.TryRemove(id, out _);
        _upcomingAndLive = null;
    }

    private Cached<T> Remember<T>(Func<Task<T>> load) =>
        new(new Lazy<Task<T>>(load), clock.GetUtcNow().ToUnixTimeMilliseconds() + (long)options.ActivityRowsLifetime.TotalMilliseconds);

    private bool Usable<T>(Cached<T>? cached) =>
        cached is not null && cached.ExpiresAtMs > clock.GetUtcNow().ToUnixTimeMilliseconds()
                           && !(cached.Load.IsValueCreated && cached.Load.Value.IsFaulted);

    // Loads are shared by every waiting request, so none of them may cancel it.
    private async Task<IReadOnlyList<ActivityRow>> LoadListAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<ActivityRow>(Select + " AND a.ends_at > @Now AND a.cancelled_at IS NULL ORDER BY a.starts_at, a.id LIMIT 100",
            new { Now = clock.GetUtcNow().UtcDateTime })).ToList();
    }

    private async Task<ActivityRow?> LoadOneAsync(long id)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<ActivityRow>(Select + " AND a.id = @Id", new { Id = id });
    }

    private async Task<IReadOnlyList<ActivityView>> ViewsAsync(IReadOnlyList<ActivityRow> rows, DateTime nowUtc)
    {
        // One GET per activity, all in flight together: keys of different activities live in different cluster slots.
        var stocks = await Task.WhenAll(rows.Select(r => redis.StringGetAsync(new ActivityKeys(r.Id).Stock)));
        // No stock key: an ended activity's keys expire after its close-out (nothing left); otherwise show the row's stock.
        return rows.Select((r, i) => r.ToView(stocks[i].TryParse(out long left) ? left : r.EndsAt <= nowUtc ? 0 : r.Stock, nowUtc)).ToList();
    }

    private sealed record ActivityRow(long Id, string Title, long SkuId, long ProductId, string ProductTitle, string Specs,
        string Images, long PriceCents, long OriginalPriceCents, int Stock, int LimitPerUser, DateTime StartsAt, DateTime EndsAt,
        int ChallengeBits, int? PaymentSeconds, DateTime? CancelledAt)
    {
        public ActivityView ToView(long stockLeft, DateTime nowUtc)
        {
            // A cancelled activity is over for the shopper: shown as ended, with nothing left (attempts answer "cancelled").
            if (CancelledAt is not null) stockLeft = 0;
            var status = CancelledAt is not null ? ActivityStatus.Ended : nowUtc < StartsAt ? ActivityStatus.Upcoming : nowUtc >= EndsAt ? ActivityStatus.Ended : stockLeft <= 0 ? ActivityStatus.SoldOut : ActivityStatus.Live;
            return new ActivityView(Id, Title, new SkuView(SkuId, ProductId, ProductTitle, ParseSpecs(Specs), FirstImage(Images)),
                PriceCents, OriginalPriceCents, Utc(StartsAt), Utc(EndsAt), LimitPerUser, Math.Max(0, stockLeft), status, ChallengeBits);
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
