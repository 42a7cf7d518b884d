using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Mall.Features.Catalog;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mall.Tests.Catalog;

/// <summary>The pieces the near-cache fixtures are made of.</summary>
public static class NearCacheHost
{
    public const int NearLifetimeMilliseconds = 2000;

    /// <summary>Near-cache copies live two (fake-clock) seconds.</summary>
    public static readonly TestHostOption ShortNearLifetime = TestHostOption.Set(
        ("Catalog:Cache:NearLifetimeMilliseconds", NearLifetimeMilliseconds.ToString(CultureInfo.InvariantCulture)));

    /// <summary>No pub/sub listener: the instance never hears another instance's evictions.</summary>
    public static readonly TestHostOption DeafToEvictionMessages = new()
    {
        Services = (_, services) =>
        {
            foreach (var listener in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(CatalogCacheListener)).ToList())
                services.Remove(listener);
        },
    };
}

/// <summary>
/// A shop whose clock only moves when a test says so: near-cache copies never expire by themselves here, so a test
/// that sees fresh data proves an eviction (local or over pub/sub), not the passing of time.
/// </summary>
public sealed class NearCacheApp() : MallApp(TestHost.FakeClock, NearCacheHost.ShortNearLifetime);

/// <summary>The same, deaf to eviction messages (no pub/sub listener): only this instance's own evictions work.</summary>
public sealed class DeafNearCacheApp() : MallApp(TestHost.FakeClock, NearCacheHost.ShortNearLifetime, NearCacheHost.DeafToEvictionMessages);

/// <summary>What the near-cache test classes share: a client, the cache, the answer shapes and a few reads.</summary>
public abstract class NearCacheTestBase(MallApp app)
{
    protected HttpClient Client { get; } = app.CreateClient();
    protected CatalogCache Cache => app.Service<CatalogCache>();

    protected sealed record Sku(long Id, int Available);
    protected sealed record Product(long Id, string Title, Sku[] Skus);
    protected sealed record Summary(long Id, string Title);
    protected sealed record ProductPage(Summary[] Items, long Total);
    protected sealed record Node(long Id, string Name, Node[] Children);
    protected sealed record Tree(Node[] Categories);

    protected async Task<byte[]> GetBytesAsync(string url)
    {
        var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return body;
    }

    protected async Task<T> GetAsync<T>(string url) => await (await Client.GetAsync(url)).ReadAsync<T>();

    protected async Task<long> CategoryOfAsync(long productId)
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>("SELECT category_id FROM products WHERE id = @Id", new { Id = productId });
    }
}

public sealed class NearCacheLocalEvictionTests(DeafNearCacheApp app) : NearCacheTestBase(app), IClassFixture<DeafNearCacheApp>
{
    [Fact]
    public async Task Writes_on_this_instance_are_seen_at_once_without_any_message_or_expiry()
    {
        var admin = await app.AdminAsync();
        var sku = (await app.ProductAsync(stock: 10, title: "原名"))[0];
        var categoryId = await CategoryOfAsync(sku.ProductId);
        var detailUrl = $"/api/v1/products/{sku.ProductId}";
        var listUrl = $"/api/v1/products?categoryId={categoryId}";
        await Cache.ProductChangedAsync(sku.ProductId);
        Assert.Equal("原名", (await GetAsync<Product>(detailUrl)).Title);
        Assert.Equal(["原名"], (await GetAsync<ProductPage>(listUrl)).Items.Select(p => p.Title));
        await GetAsync<Tree>("/api/v1/categories");
        Assert.True(Cache.Near.TryGet(CatalogCache.ProductKey(sku.ProductId), out _), "the detail is kept near");

        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", new
        {
            version = 1, categoryId, title = "新名",
            skus = new object[] { new { id = sku.SkuId, specs = new { 颜色 = "红" }, priceCents = 2500 } },
        })).EnsureSuccessStatusCode();
        Assert.Equal("新名", (await GetAsync<Product>(detailUrl)).Title);
        Assert.Equal(["新名"], (await GetAsync<ProductPage>(listUrl)).Items.Select(p => p.Title));

        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/skus/{sku.SkuId}/stock", new { stock = 3 })).EnsureSuccessStatusCode();
        Assert.Equal(3, (await GetAsync<Product>(detailUrl)).Skus.Single().Available);

        var created = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/categories", new { name = "近类" })).ReadAsync<ShopFixtures.IdBody>(HttpStatusCode.Created);
        Assert.Contains((await GetAsync<Tree>("/api/v1/categories")).Categories, c => c.Id == created.Id);

        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}/shelf", new { onShelf = false })).EnsureSuccessStatusCode();
        await (await Client.GetAsync(detailUrl)).ShouldBeNotFoundAsync("The product");
        Assert.Empty((await GetAsync<ProductPage>(listUrl)).Items);
    }
}

public sealed class NearCacheTests(NearCacheApp app) : NearCacheTestBase(app), IClassFixture<NearCacheApp>
{
    private FakeTimeProvider Clock => app.FakeClock!;

    [Fact]
    public async Task A_cached_answer_is_byte_for_byte_the_answer_of_the_miss_that_filled_it()
    {
        var word = "词" + Guid.NewGuid().ToString("N")[..8];
        var first = (await app.ProductAsync(stock: 3, skus: 2, title: $"{word} 甲", subtitle: "引号\" <b>&'"))[0];
        var categoryId = await CategoryOfAsync(first.ProductId);
        await app.ProductAsync(stock: 5, title: $"{word} 乙", categoryId: categoryId);
        await Cache.ProductChangedAsync(first.ProductId); // what an admin write does: every list and the tree are rebuilt

        var nearBefore = await NearLookupsAsync("product");
        foreach (var url in new[] { $"/api/v1/products/{first.ProductId}", $"/api/v1/products?categoryId={categoryId}&sort=price_asc", "/api/v1/categories" })
        {
            var loads = Cache.LoadCount;
            var miss = await GetBytesAsync(url);  // from MySQL, serialised once, stored in Redis and kept near
            var near = await GetBytesAsync(url);  // this instance's copy
            Cache.Near.Clear();
            var redis = await GetBytesAsync(url); // the Redis copy
            Assert.Equal(loads + 1, Cache.LoadCount);
            Assert.Equal(miss, near);
            Assert.Equal(miss, redis);
        }
        Assert.True(await NearLookupsAsync("product") >= nearBefore + 1, "near hits are counted under result=\"near\"");

        // The bytes are the ones FastEndpoints writes for the same DTO: a keyword search is never cached and is
        // answered through Send.OkAsync.
        var cached = await GetBytesAsync($"/api/v1/products?categoryId={categoryId}");
        var serialised = await GetBytesAsync($"/api/v1/products?categoryId={categoryId}&q={Uri.EscapeDataString(word)}");
        Assert.Equal(serialised, cached);
        Assert.Equal(2, JsonDocument.Parse(cached).RootElement.GetProperty("items").GetArrayLength());

        // And the detail keeps the shape the SPA's generated types expect (camelCase, every field).
        var detail = JsonDocument.Parse(await GetBytesAsync($"/api/v1/products/{first.ProductId}")).RootElement;
        Assert.Equal(["id", "categoryId", "title", "subtitle", "description", "images", "minPriceCents", "sales", "createdAt", "skus"],
            detail.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "specs", "priceCents", "available"], detail.GetProperty("skus")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("引号\" <b>&'", detail.GetProperty("subtitle").GetString());
    }

    [Fact]
    public async Task A_write_on_another_instance_evicts_this_instances_near_copies_over_pub_sub()
    {
        var admin = await app.AdminAsync();
        var sku = (await app.ProductAsync(stock: 4, title: "甲"))[0];
        var categoryId = await CategoryOfAsync(sku.ProductId);
        var detailUrl = $"/api/v1/products/{sku.ProductId}";
        Assert.Equal("甲", (await GetAsync<Product>(detailUrl)).Title);
        await GetAsync<Tree>("/api/v1/categories");
        Assert.True(Cache.Near.TryGet(CatalogCache.ProductKey(sku.ProductId), out _), "the detail is kept near");

        await using var peer = new PeerInstance(app);
        var peerAdmin = peer.CreateClient();
        peerAdmin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        (await peerAdmin.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", new
        {
            version = 1, categoryId, title = "乙", skus = new object[] { new { id = sku.SkuId, specs = new { 颜色 = "蓝" }, priceCents = 990 } },
        })).EnsureSuccessStatusCode();
        var created = await (await peerAdmin.PostAsJsonAsync("/api/v1/admin/categories", new { name = "邻类" })).ReadAsync<ShopFixtures.IdBody>(HttpStatusCode.Created);

        // This instance's clock does not move: only the peer's eviction message can end its near copies.
        await Http.EventuallyAsync(async () => (await GetAsync<Product>(detailUrl)).Title == "乙", because: "the detail was evicted");
        await Http.EventuallyAsync(async () => (await GetAsync<Tree>("/api/v1/categories")).Categories.Any(c => c.Id == created.Id),
            because: "the list version was evicted");

        // The channel is under this shop's key prefix: a message there is all it takes.
        var key = CatalogCache.ProductKey(sku.ProductId);
        Assert.True(Cache.Near.TryGet(key, out _));
        await app.Service<IConnectionMultiplexer>().GetSubscriber()
            .PublishAsync(new RedisKeyPrefix(app.KeyPrefix).Channel(CatalogCache.EvictionChannel), $"cat:lv {key}");
        await Http.EventuallyAsync(() => Task.FromResult(!Cache.Near.TryGet(key, out _)), because: "a published key is evicted");
    }

    [Fact]
    public async Task Near_copies_expire_after_their_lifetime_which_bounds_a_missed_eviction()
    {
        var sku = (await app.ProductAsync(stock: 2, title: "旧"))[0];
        var url = $"/api/v1/products/{sku.ProductId}";
        Assert.Equal("旧", (await GetAsync<Product>(url)).Title);

        // A write whose eviction message this instance never heard: MySQL and Redis moved on, the near copy did not.
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE products SET title = '新' WHERE id = @Id", new { Id = sku.ProductId });
        await app.Redis.KeyDeleteAsync(CatalogCache.ProductKey(sku.ProductId));
        Assert.Equal("旧", (await GetAsync<Product>(url)).Title);

        Clock.Advance(TimeSpan.FromMilliseconds(NearCacheHost.NearLifetimeMilliseconds - 1));
        Assert.Equal("旧", (await GetAsync<Product>(url)).Title);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("新", (await GetAsync<Product>(url)).Title);
    }

    [Fact]
    public void The_near_cache_is_bounded_and_makes_room_as_copies_expire()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var near = new NearCache(new CatalogCacheOptions { NearLifetimeMilliseconds = 1000, NearMaxEntries = 3, NearMaxMegabytes = 1 }, clock);
        void Put(string key, int bytes = 10, long notAfterMs = long.MaxValue) =>
            near.Put(key, new byte[bytes], 0, notAfterMs, near.Generation(key));

        for (var i = 0; i < 5; i++) Put($"k{i}");
        Assert.Equal(3, near.Count);
        Assert.True(near.TryGet("k0", out _));
        Assert.False(near.TryGet("k4", out _));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(near.TryGet("k0", out _));
        Put("k4");
        Assert.True(near.TryGet("k4", out _));
        Assert.Equal(1, near.Count); // the expired ones were swept to make room

        Put("big", bytes: 2 * 1024 * 1024);
        Assert.False(near.TryGet("big", out _));
        Assert.InRange(near.Bytes, 1, 1024);

        // Never past the Redis copy's freshness.
        Put("short", notAfterMs: clock.GetUtcNow().ToUnixTimeMilliseconds() + 100);
        Assert.True(near.TryGet("short", out _));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(near.TryGet("short", out _));

        // A fill that read its value before an eviction of the key does not keep it.
        var generation = near.Generation("raced");
        near.Evict("raced");
        near.Put("raced", new byte[10], 0, long.MaxValue, generation);
        Assert.False(near.TryGet("raced", out _));

        near.Clear();
        Assert.Equal(0, near.Count);
        Assert.Equal(0, near.Bytes);
    }

    [Fact]
    public void The_three_cached_reads_log_their_successes_quietly()
    {
        var endpoints = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        foreach (var route in new[] { "api/v1/products/{id}", "api/v1/products", "api/v1/categories" })
        {
            var endpoint = endpoints.Single(e => e.RoutePattern.RawText?.Trim('/') == route
                                                 && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true);
            Assert.NotNull(endpoint.Metadata.GetMetadata<QuietRequestLog>());
        }
    }

    /// <summary>mall_catalog_cache_lookups_total{kind,result="near"} as /metrics shows it (process-wide).</summary>
    private async Task<double> NearLookupsAsync(string kind)
    {
        var metrics = await Client.GetStringAsync("/metrics");
        var match = Regex.Match(metrics, $"^mall_catalog_cache_lookups_total\\{{kind=\"{kind}\",result=\"near\"\\}} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
