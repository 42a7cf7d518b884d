using System.Buffers;
using System.Buffers.Text;
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
    /// <summary>How long this process keeps its own copy of a hot key (<see cref="NearCache"/>); the most a missed
    /// eviction message can leave it stale. 0 turns the near cache off.</summary>
    public int NearLifetimeMilliseconds { get; set; } = 1000;
    /// <summary>Bounds of the near cache: entries, and megabytes of cached JSON.</summary>
    public int NearMaxEntries { get; set; } = 10_000;
    public int NearMaxMegabytes { get; set; } = 64;
}

/// <summary>A cached answer: the response's UTF-8 JSON as stored, or nothing for "no such item" (the missing marker).</summary>
public readonly record struct CachedJson(ReadOnlyMemory<byte> Utf8)
{
    public bool Found => !Utf8.IsEmpty;
}

/// <summary>What a cache serves (a metrics label), with its counters resolved once.</summary>
public sealed class CacheKind
{
    private static readonly Counter Loads = Metrics.CreateCounter(
        "mall_catalog_cache_loads_total", "Catalog reads that went to MySQL, by cache kind.", "kind");
    private static readonly Counter Lookups = Metrics.CreateCounter(
        "mall_catalog_cache_lookups_total",
        "Catalog cache lookups by kind and result (near = this process's copy, hit, stale, miss = Redis).", "kind", "result");

    public static readonly CacheKind Product = new("product");
    public static readonly CacheKind List = new("list");
    public static readonly CacheKind Categories = new("categories");
    public static readonly CacheKind Banners = new("banners");

    public CacheKind(string name)
    {
        Name = name;
        Load = Loads.WithLabels(name);
        Near = Lookups.WithLabels(name, "near");
        Hit = Lookups.WithLabels(name, "hit");
        Stale = Lookups.WithLabels(name, "stale");
        Miss = Lookups.WithLabels(name, "miss");
    }

    public string Name { get; }
    internal Counter.Child Load { get; }
    internal Counter.Child Near { get; }
    internal Counter.Child Hit { get; }
    internal Counter.Child Stale { get; }
    internal Counter.Child Miss { get; }
}

/// <summary>
/// Cache-aside over Redis for the catalog's read side, with a short-lived copy in this process in front of it
/// (<see cref="NearCache"/>). What is cached is the response itself: the UTF-8 JSON the endpoint answers with, so a
/// hit is written to the client as it is, with no deserialising and serialising again. A Redis value is
/// <see cref="HeaderLength"/> ASCII digits (until when it is fresh, Unix ms) followed by the JSON; nothing after the
/// digits is the "missing" marker.
/// <para>
/// The three classic guards: TTL + jitter (avalanche), a cached "missing" marker (penetration) and one rebuilder per
/// key under a Redis lock (breakdown: SET NX PX with a random token, released by compare-and-delete). A stale copy is
/// kept past its freshness, so while one request rebuilds a hot key everyone else is answered from the stale copy;
/// on a cold key the others poll briefly for the rebuilder's result. Writes invalidate by deleting the key and
/// bumping its epoch; a rebuild stores its result only if the epoch did not move while it read MySQL, so a slow
/// rebuild cannot put pre-write data back. Writes also evict the near copies: here at once, on the other instances
/// through the <see cref="EvictionChannel"/> pub/sub channel. If Redis is unreachable, reads fall through to MySQL.
/// </para>
/// </summary>
public sealed class CatalogCache(IDatabase redis, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix, NearCache near,
    CatalogCacheOptions options, TimeProvider clock, ILogger<CatalogCache> logger)
{
    /// <summary>Pub/sub channel (under the Redis key prefix) carrying the keys a write invalidated, space-separated.</summary>
    public const string EvictionChannel = "cat:evict";

    /// <summary>Length of the freshness header in front of every cached JSON value (zero-padded decimal Unix ms).</summary>
    public const int HeaderLength = 16;

    private const string ListVersionKey = "cat:lv";
    private static readonly StandardFormat HeaderFormat = new('D', HeaderLength);

    private long _loads;

    /// <summary>MySQL loads this instance made through the cache (tests read it; /metrics has the same as a counter).</summary>
    public long LoadCount => Interlocked.Read(ref _loads);

    /// <summary>This instance's near cache (tests look into it).</summary>
    public NearCache Near => near;

    // The hash tag keeps a key, its lock and its epoch in one cluster slot, so the Lua scripts may touch them together.
    // The "2" names the byte format: versions that stored a JSON envelope used cat:p / cat:l / cat:tree, so during a
    // rolling update old and new instances never read each other's values.
    public static string ProductKey(long productId) => $"cat:p2:{{{productId}}}";

    /// <summary>How long an epoch outlives its last invalidation: far longer than any rebuild takes.</summary>
    private static readonly TimeSpan EpochLifetime = TimeSpan.FromDays(1);

    public TimeSpan DetailTtl => TimeSpan.FromSeconds(options.DetailTtlSeconds);
    public TimeSpan ListTtl => TimeSpan.FromSeconds(options.ListTtlSeconds);

    /// <summary>A product's own data changed (admin edit, shelf): its detail and every list page (list and tree
    /// keys carry the list version <c>cat:lv</c>; bumping it retires every list page and the tree at once).</summary>
    public Task ProductChangedAsync(params long[] productIds) =>
        InvalidateAsync(productIds.Distinct().Select(ProductKey).ToArray(), bumpListVersion: true);

    /// <summary>Only availability changed (orders, stock edits): lists show no stock, so only details go.</summary>
    public Task StockChangedAsync(IEnumerable<long> productIds) =>
        InvalidateAsync(productIds.Distinct().Select(ProductKey).ToArray(), bumpListVersion: false);

    private async Task InvalidateAsync(string[] keys, bool bumpListVersion)
    {
        var evicted = bumpListVersion ? [.. keys, ListVersionKey] : keys;
        if (evicted.Length == 0) return;
        try
        {
            foreach (var key in keys)
                await redis.ScriptEvaluateAsync(Resources.Text("Features/Catalog/Invalidate.lua"), [key, EpochKey(key)],
                    [(long)EpochLifetime.TotalMilliseconds]);
            if (bumpListVersion) await redis.StringIncrementAsync(ListVersionKey);
        }
        finally
        {
            // After Redis, so a request on this instance cannot refill its near copy from the pre-write Redis value.
            foreach (var key in evicted) near.Evict(key);
        }
        await multiplexer.GetSubscriber().PublishAsync(prefix.Channel(EvictionChannel), string.Join(' ', evicted));
    }

    /// <summary>
    /// The cached JSON of <paramref name="key"/>, or, on a miss, <paramref name="load"/>'s result from MySQL serialised
    /// once with the options FastEndpoints answers with (null = "no such item", cached as the missing marker).
    /// </summary>
    public async Task<CachedJson> GetOrLoadAsync<T>(string key, CacheKind kind, TimeSpan ttl, Func<CancellationToken, Task<T?>> load,
        CancellationToken ct) where T : class
    {
        if (near.TryGet(key, out var local))
        {
            kind.Near.Inc();
            return new CachedJson(local.Body);
        }
        var generation = near.Generation(key);
        try
        {
            return await GetOrLoadCachedAsync(key, generation, kind, ttl, load, ct);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            // Redis is a cache here, not the source of truth: without it the catalog still answers, from MySQL.
            logger.LogWarning(e, "Catalog cache unavailable; loading {Key} from MySQL", key);
            return await LoadUncachedAsync(kind, load, ct);
        }
    }

    /// <summary>
    /// Like <see cref="GetOrLoadAsync{T}"/> for a key under the current list version: <c>{family}:{{version}{suffix}}</c>
    /// (one hash tag, so the key, its lock and its epoch share a slot). The version comes from the near cache when it
    /// can, so a near hit on a list page costs no Redis round trip at all.
    /// </summary>
    public async Task<CachedJson> GetOrLoadVersionedAsync<T>(string family, string suffix, CacheKind kind, TimeSpan ttl,
        Func<CancellationToken, Task<T?>> load, CancellationToken ct) where T : class
    {
        long version;
        try
        {
            version = await ListVersionAsync();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            logger.LogWarning(e, "Catalog cache unavailable; loading {Family} from MySQL", family);
            return await LoadUncachedAsync(kind, load, ct);
        }
        return await GetOrLoadAsync($"{family}:{{{version}{suffix}}}", kind, ttl, load, ct);
    }

    private async ValueTask<long> ListVersionAsync()
    {
        if (near.TryGet(ListVersionKey, out var local)) return local.Number;
        var generation = near.Generation(ListVersionKey);
        var version = (long?)await redis.StringGetAsync(ListVersionKey) ?? 0;
        near.Put(ListVersionKey, ReadOnlyMemory<byte>.Empty, version, long.MaxValue, generation);
        return version;
    }

    private async Task<CachedJson> GetOrLoadCachedAsync<T>(string key, long generation, CacheKind kind, TimeSpan ttl,
        Func<CancellationToken, Task<T?>> load, CancellationToken ct) where T : class
    {
        var cached = await ReadAsync(key);
        if (cached is { } entry)
        {
            if (entry.FreshUntilMs > NowMs())
            {
                kind.Hit.Inc();
                Remember(key, entry, generation);
                return entry.Json;
            }
            kind.Stale.Inc();
            var token = await TryLockAsync(key);
            if (token is null) return entry.Json; // someone is rebuilding: the stale copy is good enough meanwhile
            try { return await RebuildUnlessFreshAsync(key, generation, kind, ttl, load, ct); }
            finally { await ReleaseAsync(key, token); }
        }

        kind.Miss.Inc();
        var waitUntil = NowRealMs() + options.ColdWaitMilliseconds;
        var delay = 10;
        while (true)
        {
            var token = await TryLockAsync(key);
            if (token is not null)
            {
                try { return await RebuildUnlessFreshAsync(key, generation, kind, ttl, load, ct); }
                finally { await ReleaseAsync(key, token); }
            }
            await Task.Delay(delay, ct);
            delay = Math.Min(delay * 2, 50);
            if (await ReadAsync(key) is { } arrived)
            {
                Remember(key, arrived, generation);
                return arrived.Json;
            }
            if (NowRealMs() > waitUntil)
            {
                // The rebuilder is slow or died holding the lock: answer from MySQL rather than fail.
                logger.LogWarning("Cache rebuild of {Key} took longer than {Wait} ms; loading directly", key, options.ColdWaitMilliseconds);
                return await LoadUncachedAsync(kind, load, ct);
            }
        }
    }

    private async Task<CachedJson> RebuildUnlessFreshAsync<T>(string key, long generation, CacheKind kind, TimeSpan ttl,
        Func<CancellationToken, Task<T?>> load, CancellationToken ct) where T : class
    {
        // The previous lock holder may have refreshed the key between our read and our lock.
        if (await ReadAsync(key) is { } current && current.FreshUntilMs > NowMs())
        {
            Remember(key, current, generation);
            return current.Json;
        }
        return await LoadAndStoreAsync(key, generation, kind, ttl, load, ct);
    }

    private async Task<CachedJson> LoadAndStoreAsync<T>(string key, long generation, CacheKind kind, TimeSpan ttl,
        Func<CancellationToken, Task<T?>> load, CancellationToken ct) where T : class
    {
        var epoch = (string?)await redis.StringGetAsync(EpochKey(key)) ?? "";
        var value = await CountedLoadAsync(kind, load, ct);
        var fresh = value is null ? TimeSpan.FromSeconds(options.MissingTtlSeconds) : WithJitter(ttl);
        var freshUntil = NowMs() + (long)fresh.TotalMilliseconds;
        var stored = Encode(freshUntil, Serialize(value));
        var lifetime = fresh + TimeSpan.FromSeconds(options.StaleGraceSeconds);
        // If a write invalidated the key while we were reading MySQL, our copy may predate it: answer with it, but
        // do not cache it, in Redis or here (the next request rebuilds from the newer data).
        var kept = (long)await redis.ScriptEvaluateAsync(Resources.Text("Features/Catalog/StoreIfCurrent.lua"), [key, EpochKey(key)],
            [epoch, stored, (long)lifetime.TotalMilliseconds]);
        var entry = new StoredEntry(freshUntil, stored.AsMemory(HeaderLength));
        if (kept == 1) Remember(key, entry, generation);
        return entry.Json;
    }

    /// <summary>The answer straight from MySQL, not cached (Redis down, or a rebuilder that never finished).</summary>
    private async Task<CachedJson> LoadUncachedAsync<T>(CacheKind kind, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
        where T : class => new(Serialize(await CountedLoadAsync(kind, load, ct)));

    private async Task<T?> CountedLoadAsync<T>(CacheKind kind, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
    {
        Interlocked.Increment(ref _loads);
        kind.Load.Inc();
        return await load(ct);
    }

    /// <summary>The response bytes exactly as FastEndpoints would write them for this DTO (its runtime type and
    /// serializer options, see <see cref="EndpointExtensions.ResponseJsonOptions"/>); empty for null.</summary>
    private static byte[] Serialize<T>(T? value) where T : class =>
        value is null ? [] : JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), EndpointExtensions.ResponseJsonOptions);

    private static byte[] Encode(long freshUntilMs, byte[] json)
    {
        var stored = new byte[HeaderLength + json.Length];
        if (!Utf8Formatter.TryFormat(freshUntilMs, stored, out var written, HeaderFormat) || written != HeaderLength)
            throw new InvalidOperationException($"Freshness {freshUntilMs} does not fit the cache header.");
        json.CopyTo(stored.AsSpan(HeaderLength));
        return stored;
    }

    /// <summary>A value in any other shape (e.g. an older version's JSON envelope) counts as absent and is rebuilt.</summary>
    internal static bool TryDecode(ReadOnlyMemory<byte> raw, out StoredEntry entry)
    {
        entry = default;
        if (raw.Length < HeaderLength || !Utf8Parser.TryParse(raw.Span[..HeaderLength], out long freshUntil, out var consumed)
                                      || consumed != HeaderLength || freshUntil < 0)
            return false;
        entry = new StoredEntry(freshUntil, raw[HeaderLength..]);
        return true;
    }

    private async Task<StoredEntry?> ReadAsync(string key)
    {
        var raw = await redis.StringGetAsync(key);
        return !raw.IsNull && TryDecode(raw, out var entry) ? entry : null;
    }

    /// <summary>Keeps a fresh Redis copy in the near cache (never past its Redis freshness).</summary>
    private void Remember(string key, StoredEntry entry, long generation) =>
        near.Put(key, entry.Body, 0, entry.FreshUntilMs, generation);

    private static string EpochKey(string key) => key + ":epoch";

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

    /// <summary>What a cache key holds: until when it counts as fresh, and the JSON (empty = "no such item").</summary>
    internal readonly record struct StoredEntry(long FreshUntilMs, ReadOnlyMemory<byte> Body)
    {
        public CachedJson Json => new(Body);
    }
}

public static class CachedJsonResponses
{
    /// <summary>What FastEndpoints sends with a JSON response (its default charset is utf-8).</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Answers 200 with cached JSON bytes as they are.</summary>
    public static async Task SendCachedJsonAsync(this HttpContext http, CachedJson json, CancellationToken ct)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = json.Utf8.Length;
        await response.BodyWriter.WriteAsync(json.Utf8, ct);
    }
}
