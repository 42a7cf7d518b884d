using System.Text.Json;
using Mall.Infrastructure;
using Prometheus;
using StackExchange.Redis;

namespace Mall.Features.Catalog;

public sealed class CatalogCacheOptions
{
    /// <summary>Product detail freshness; each write adds up to <see cref="JitterPercent"/> so keys filled together
    /// do not all expire together (avalanche).</summary>
    public int DetailTtlSeconds { get; set; } = 600;
    public int ListTtlSeconds { get; set; } = 60;
    public int JitterPercent { get; set; } = 20;
    /// <summary>How long an "unknown id" marker stands in for a product (penetration guard).</summary>
    public int MissingTtlSeconds { get; set; } = 60;
    /// <summary>After freshness ends the copy is kept this long more, served while one request rebuilds it.</summary>
    public int StaleGraceSeconds { get; set; } = 120;
    public int RebuildLockMilliseconds { get; set; } = 3000;
    /// <summary>How long a request waits on a cold key for the rebuilder before loading by itself.</summary>
    public int ColdWaitMilliseconds { get; set; } = 2000;
}

/// <summary>
/// Cache-aside over Redis for the catalog's read side, with the three classic guards:
/// TTL + jitter (avalanche), a cached "missing" marker (penetration) and one rebuilder per key under a Redis lock
/// (breakdown: SET NX PX with a random token, released by compare-and-delete). A stale copy is kept past its
/// freshness, so while one request rebuilds a hot key everyone else is answered from the stale copy; on a cold key
/// the others poll briefly for the rebuilder's result. Writes invalidate by deleting the key and bumping its epoch;
/// a rebuild stores its result only if the epoch did not move while it read MySQL, so a slow rebuild cannot put
/// pre-write data back. If Redis is unreachable, reads fall through to MySQL.
/// </summary>
public sealed class CatalogCache(IDatabase redis, CatalogCacheOptions options, TimeProvider clock, ILogger<CatalogCache> logger)
{
    private static readonly Counter Loads = Metrics.CreateCounter(
        "mall_catalog_cache_loads_total", "Catalog reads that went to MySQL, by cache kind.", "kind");
    private static readonly Counter Lookups = Metrics.CreateCounter(
        "mall_catalog_cache_lookups_total", "Catalog cache lookups by kind and result (hit, stale, miss).", "kind", "result");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string ListVersionKey = "cat:lv";

    private long _loads;

    /// <summary>MySQL loads this instance made through the cache (tests read it; /metrics has the same as a counter).</summary>
    public long LoadCount => Interlocked.Read(ref _loads);

    // The hash tag keeps a key, its lock and its epoch in one cluster slot, so the Lua scripts may touch them together.
    public static string ProductKey(long productId) => $"cat:p:{{{productId}}}";

    /// <summary>How long an epoch outlives its last invalidation: far longer than any rebuild takes.</summary>
    private static readonly TimeSpan EpochLifetime = TimeSpan.FromDays(1);

    public TimeSpan DetailTtl => TimeSpan.FromSeconds(options.DetailTtlSeconds);
    public TimeSpan ListTtl => TimeSpan.FromSeconds(options.ListTtlSeconds);

    /// <summary>List and tree keys carry a version; a catalog write bumps it, retiring every list page at once.</summary>
    public async Task<long> ListVersionAsync() => (long?)await redis.StringGetAsync(ListVersionKey) ?? 0;

    /// <summary>A product's own data changed (admin edit, shelf): its detail and every list page.</summary>
    public async Task ProductChangedAsync(params long[] productIds)
    {
        await StockChangedAsync(productIds);
        await redis.StringIncrementAsync(ListVersionKey);
    }

    /// <summary>Only availability changed (orders, stock edits): lists show no stock, so only details go.</summary>
    public async Task StockChangedAsync(IEnumerable<long> productIds)
    {
        foreach (var id in productIds.Distinct()) await InvalidateAsync(ProductKey(id));
    }

    public Task InvalidateAsync(string key) =>
        redis.ScriptEvaluateAsync(Resources.Text("Features/Catalog/Invalidate.lua"), [key, EpochKey(key)],
            [(long)EpochLifetime.TotalMilliseconds]);

    public async Task<T?> GetOrLoadAsync<T>(string key, string kind, TimeSpan ttl, Func<CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class
    {
        try
        {
            return await GetOrLoadCachedAsync(key, kind, ttl, load, ct);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            // Redis is a cache here, not the source of truth: without it the catalog still answers, from MySQL.
            logger.LogWarning(e, "Catalog cache unavailable; loading {Key} from MySQL", key);
            return await CountedLoadAsync(kind, load, ct);
        }
    }

    private async Task<T?> GetOrLoadCachedAsync<T>(string key, string kind, TimeSpan ttl, Func<CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class
    {
        var cached = await ReadAsync<T>(key);
        if (cached is not null)
        {
            if (cached.FreshUntilMs > NowMs())
            {
                Lookups.WithLabels(kind, "hit").Inc();
                return cached.Value;
            }
            Lookups.WithLabels(kind, "stale").Inc();
            var token = await TryLockAsync(key);
            if (token is null) return cached.Value; // someone is rebuilding: the stale copy is good enough meanwhile
            try { return await RebuildUnlessFreshAsync(key, kind, ttl, load, ct); }
            finally { await ReleaseAsync(key, token); }
        }

        Lookups.WithLabels(kind, "miss").Inc();
        var waitUntil = NowRealMs() + options.ColdWaitMilliseconds;
        var delay = 10;
        while (true)
        {
            var token = await TryLockAsync(key);
            if (token is not null)
            {
                try { return await RebuildUnlessFreshAsync(key, kind, ttl, load, ct); }
                finally { await ReleaseAsync(key, token); }
            }
            await Task.Delay(delay, ct);
            delay = Math.Min(delay * 2, 50);
            var arrived = await ReadAsync<T>(key);
            if (arrived is not null) return arrived.Value;
            if (NowRealMs() > waitUntil)
            {
                // The rebuilder is slow or died holding the lock: answer from MySQL rather than fail.
                logger.LogWarning("Cache rebuild of {Key} took longer than {Wait} ms; loading directly", key, options.ColdWaitMilliseconds);
                return await CountedLoadAsync(kind, load, ct);
            }
        }
    }

    private async Task<T?> RebuildUnlessFreshAsync<T>(string key, string kind, TimeSpan ttl, Func<CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class
    {
        // The previous lock holder may have refreshed the key between our read and our lock.
        var current = await ReadAsync<T>(key);
        if (current is not null && current.FreshUntilMs > NowMs()) return current.Value;
        return await LoadAndStoreAsync(key, kind, ttl, load, ct);
    }

    private async Task<T?> LoadAndStoreAsync<T>(string key, string kind, TimeSpan ttl, Func<CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class
    {
        var epoch = (string?)await redis.StringGetAsync(EpochKey(key)) ?? "";
        var value = await CountedLoadAsync(kind, load, ct);
        var fresh = value is null ? TimeSpan.FromSeconds(options.MissingTtlSeconds) : WithJitter(ttl);
        var entry = new Entry<T>(NowMs() + (long)fresh.TotalMilliseconds, value);
        var lifetime = fresh + TimeSpan.FromSeconds(options.StaleGraceSeconds);
        // If a write invalidated the key while we were reading MySQL, our copy may predate it: answer with it, but
        // do not cache it (the next request rebuilds from the newer data).
        await redis.ScriptEvaluateAsync(Resources.Text("Features/Catalog/StoreIfCurrent.lua"), [key, EpochKey(key)],
            [epoch, JsonSerializer.Serialize(entry, Json), (long)lifetime.TotalMilliseconds]);
        return value;
    }

    private async Task<T?> CountedLoadAsync<T>(string kind, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
    {
        Interlocked.Increment(ref _loads);
        Loads.WithLabels(kind).Inc();
        return await load(ct);
    }

    private static string EpochKey(string key) => key + ":epoch";

    private async Task<Entry<T>?> ReadAsync<T>(string key)
    {
        var raw = await redis.StringGetAsync(key);
        return raw.HasValue ? JsonSerializer.Deserialize<Entry<T>>((string)raw!, Json) : null;
    }

    private async Task<string?> TryLockAsync(string key)
    {
        var token = Guid.NewGuid().ToString("N");
        var taken = await redis.StringSetAsync(key + ":lock", token, TimeSpan.FromMilliseconds(options.RebuildLockMilliseconds), When.NotExists);
        return taken ? token : null;
    }

    private Task ReleaseAsync(string key, string token) =>
        redis.ScriptEvaluateAsync(Resources.Text("Features/Catalog/ReleaseLock.lua"), [key + ":lock"], [token]);

    private TimeSpan WithJitter(TimeSpan ttl) =>
        ttl + TimeSpan.FromMilliseconds(ttl.TotalMilliseconds * options.JitterPercent / 100.0 * Random.Shared.NextDouble());

    // Freshness follows the app clock (tests move it); waiting uses real time because Task.Delay does.
    private long NowMs() => clock.GetUtcNow().ToUnixTimeMilliseconds();
    private static long NowRealMs() => Environment.TickCount64;

    /// <summary>What a cache key holds: the value (null = "no such product") and until when it counts as fresh.</summary>
    private sealed record Entry<T>(long FreshUntilMs, T? Value);
}
