using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Features.Catalog;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mall.Tests.Catalog;

/// <summary>The shop with the demo catalog seeded.</summary>
public sealed class DemoCatalogApp() : MallApp(TestHost.DemoData, PatientCacheRebuilds)
{
    // Generous on a busy CI box: the tests count rebuilders, and must not see the slow-rebuilder fallbacks.
    private static readonly TestHostOption PatientCacheRebuilds = TestHostOption.Set(
        ("Catalog:Cache:ColdWaitMilliseconds", "15000"),
        ("Catalog:Cache:RebuildLockMilliseconds", "15000"));
}

public sealed class CatalogTests(DemoCatalogApp app) : IClassFixture<DemoCatalogApp>
{
    private readonly HttpClient _client = app.CreateClient();
    private CatalogCache Cache => app.Service<CatalogCache>();
    private static readonly CacheKind TestKind = new("test");
    private static string Text(CachedJson json) => System.Text.Encoding.UTF8.GetString(json.Utf8.Span);

    private sealed record Node(long Id, string Name, Node[] Children);
    private sealed record Tree(Node[] Categories);
    private sealed record Summary(long Id, long CategoryId, string Title, string Image, long MinPriceCents, long Sales);
    private sealed record ProductPage(Summary[] Items, int Page, int PageSize, long Total);
    private sealed record Sku(long Id, Dictionary<string, string> Specs, long PriceCents, int Available);
    private sealed record Product(long Id, string Title, string[] Images, Sku[] Skus);

    [Fact]
    public async Task Demo_catalog_has_a_two_level_tree_and_a_dozen_products_with_local_images()
    {
        var tree = await (await _client.GetAsync("/api/v1/categories")).ReadAsync<Tree>();
        Assert.True(tree.Categories.Count(c => c.Children.Length >= 2) >= 3);

        var page = await (await _client.GetAsync("/api/v1/products?pageSize=100")).ReadAsync<ProductPage>();
        Assert.True(page.Total >= 12);
        Assert.Contains(page.Items, p => p.Title.Contains("手机"));
        await using (var db = await app.OpenDbAsync())
            Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM products WHERE images LIKE '%http%'"));
        var images = page.Items.Select(p => p.Image).Where(i => i != "").Distinct().ToList();
        Assert.True(images.Count >= 12, "every demo product has its own picture");
        foreach (var image in images)
        {
            Assert.StartsWith("/media/products/", image);
            var file = await _client.GetAsync(image);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("image/svg+xml", file.Content.Headers.ContentType?.MediaType);
        }
        var detail = await (await _client.GetAsync($"/api/v1/products/{page.Items.First(p => p.Title == "星河 X5 智能手机").Id}")).ReadAsync<Product>();
        Assert.True(detail.Skus.Length >= 2);
    }

    [Fact]
    public async Task Seeding_again_adds_nothing()
    {
        await using var db = await app.OpenDbAsync();
        var before = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM skus");
        await StartupSeeders.RunAllAsync(app.Services, CancellationToken.None);
        Assert.Equal(before, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM skus"));
    }

    [Fact]
    public async Task A_top_category_lists_its_subcategories_products_and_keyword_and_sort_apply()
    {
        var tree = await (await _client.GetAsync("/api/v1/categories")).ReadAsync<Tree>();
        var digital = tree.Categories.Single(c => c.Name == "数码");
        var inDigital = await (await _client.GetAsync($"/api/v1/products?categoryId={digital.Id}&pageSize=100")).ReadAsync<ProductPage>();
        var subIds = digital.Children.Select(c => c.Id).ToHashSet();
        Assert.NotEmpty(inDigital.Items);
        Assert.All(inDigital.Items, p => Assert.Contains(p.CategoryId, subIds));

        var phones = await (await _client.GetAsync("/api/v1/products?q=" + Uri.EscapeDataString("手机"))).ReadAsync<ProductPage>();
        Assert.Equal(2, phones.Total);

        var cheapFirst = await (await _client.GetAsync("/api/v1/products?sort=price_asc&pageSize=100")).ReadAsync<ProductPage>();
        Assert.Equal(cheapFirst.Items.Select(p => p.MinPriceCents).Order(), cheapFirst.Items.Select(p => p.MinPriceCents));
        var bestSellers = await (await _client.GetAsync("/api/v1/products?sort=sales&pageSize=3&page=1")).ReadAsync<ProductPage>();
        Assert.Equal(bestSellers.Items.Select(p => p.Sales).OrderDescending(), bestSellers.Items.Select(p => p.Sales));
        Assert.Equal(3, bestSellers.Items.Length);

        var literal = await (await _client.GetAsync("/api/v1/products?q=" + Uri.EscapeDataString("%_%"))).ReadAsync<ProductPage>();
        Assert.Equal(0, literal.Total);
    }

    [Theory]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("page=-3", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("sort=cheapest", "sort")]
    [InlineData("categoryId=0", "categoryId")]
    public async Task Bad_paging_sort_or_category_is_400(string query, string field)
    {
        var response = await _client.GetAsync("/api/v1/products?" + query);
        await response.ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task Over_long_keyword_is_400()
    {
        var response = await _client.GetAsync("/api/v1/products?q=" + new string('x', 51));
        await response.ShouldBeValidationErrorAsync("q");
    }

    [Fact]
    public async Task Detail_shows_available_as_stock_minus_locked_minus_sold()
    {
        var sku = (await app.ProductAsync(stock: 50))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE skus SET locked = 7, sold = 5 WHERE id = @Id", new { Id = sku.SkuId });
        var product = await (await _client.GetAsync($"/api/v1/products/{sku.ProductId}")).ReadAsync<Product>();
        Assert.Equal(38, product.Skus.Single().Available);
        Assert.Equal("色0", product.Skus.Single().Specs["颜色"]);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    [InlineData("1000000000000")]
    public async Task Malformed_or_out_of_range_ids_are_400_before_any_io(string id)
    {
        var loads = Cache.LoadCount;
        var response = await _client.GetAsync($"/api/v1/products/{id}");
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(loads, Cache.LoadCount);
        Assert.False(await app.Redis.KeyExistsAsync($"cat:p2:{{{id}}}"));
    }

    [Fact]
    public async Task Unknown_id_is_404_and_reaches_mysql_once_within_the_missing_ttl()
    {
        var unknown = 900_000_000L + Random.Shared.Next(1_000_000);
        var loads = Cache.LoadCount;
        for (var i = 0; i < 20; i++)
            await (await _client.GetAsync($"/api/v1/products/{unknown}")).ShouldBeNotFoundAsync("The product");
        Assert.Equal(loads + 1, Cache.LoadCount);
        var ttl = await app.Redis.KeyTimeToLiveAsync(CatalogCache.ProductKey(unknown));
        Assert.NotNull(ttl);
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_on_a_cold_key_query_mysql_once()
    {
        var sku = (await app.ProductAsync(stock: 5))[0];
        var loads = Cache.LoadCount;
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _client.GetAsync($"/api/v1/products/{sku.ProductId}")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(loads + 1, Cache.LoadCount);
    }

    [Fact]
    public async Task An_expired_hot_key_is_rebuilt_once_while_the_others_get_the_stale_copy()
    {
        var sku = (await app.ProductAsync(stock: 5, title: "旧标题"))[0];
        (await _client.GetAsync($"/api/v1/products/{sku.ProductId}")).EnsureSuccessStatusCode();
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE products SET title = '新标题' WHERE id = @Id", new { Id = sku.ProductId });
        // Age the cached copy past its freshness (what time would do), keeping it within the stale grace; time would
        // also have ended this instance's own short-lived copy.
        var key = CatalogCache.ProductKey(sku.ProductId);
        var entry = (byte[])(await app.Redis.StringGetAsync(key))!;
        "0000000000000000"u8.CopyTo(entry);
        await app.Redis.StringSetAsync(key, entry, TimeSpan.FromMinutes(1));
        Cache.Near.Evict(key);

        var loads = Cache.LoadCount;
        var products = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
            await (await _client.GetAsync($"/api/v1/products/{sku.ProductId}")).ReadAsync<Product>()));
        Assert.Equal(loads + 1, Cache.LoadCount);
        Assert.All(products, p => Assert.Contains(p.Title, new[] { "旧标题", "新标题" }));
        var after = await (await _client.GetAsync($"/api/v1/products/{sku.ProductId}")).ReadAsync<Product>();
        Assert.Equal("新标题", after.Title);
    }

    [Fact]
    public async Task A_rebuild_overtaken_by_a_write_answers_but_does_not_cache_its_older_copy()
    {
        var productId = 800_000_000L + Random.Shared.Next(1_000_000);
        var key = CatalogCache.ProductKey(productId);
        var answer = await Cache.GetOrLoadAsync(key, TestKind, TimeSpan.FromMinutes(5), async _ =>
        {
            await Cache.StockChangedAsync([productId]); // a checkout commits while this rebuild is reading MySQL
            return "read before the write";
        }, CancellationToken.None);
        Assert.Equal("\"read before the write\"", Text(answer));
        Assert.False(await app.Redis.KeyExistsAsync(key));
        Assert.False(Cache.Near.TryGet(key, out _)); // nor kept in this instance's near cache

        var fresh = await Cache.GetOrLoadAsync(key, TestKind, TimeSpan.FromMinutes(5), _ => Task.FromResult<string?>("fresh"), CancellationToken.None);
        Assert.Equal("\"fresh\"", Text(fresh));
        Assert.True(await app.Redis.KeyExistsAsync(key));
    }

    [Fact]
    public async Task Without_redis_the_catalog_reads_fall_through_to_mysql()
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse("127.0.0.1:1,abortConnect=false,connectTimeout=200");
        options.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast; // fail at once instead of queueing until the timeout
        await using var dead = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        var settings = new CatalogCacheOptions();
        var cache = new CatalogCache(dead.GetDatabase(), dead, new RedisKeyPrefix(""), new NearCache(settings, TimeProvider.System), settings,
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<CatalogCache>.Instance);
        var value = await cache.GetOrLoadAsync("cat:p:{1}", TestKind, TimeSpan.FromMinutes(1), _ => Task.FromResult<string?>("from mysql"),
            CancellationToken.None);
        Assert.Equal("\"from mysql\"", Text(value));
        Assert.Equal(1, cache.LoadCount);
        var page = await cache.GetOrLoadVersionedAsync("cat:l", ":0:newest:1:20", TestKind, TimeSpan.FromMinutes(1),
            _ => Task.FromResult<string?>("a page from mysql"), CancellationToken.None);
        Assert.Equal("\"a page from mysql\"", Text(page));
        Assert.Equal(2, cache.LoadCount);
    }

    [Fact]
    public async Task Browsing_pages_are_cached_until_a_catalog_write_and_keyword_searches_are_not()
    {
        var url = $"/api/v1/products?sort=price_desc&pageSize=7&page=2";
        var loads = Cache.LoadCount;
        for (var i = 0; i < 5; i++) (await _client.GetAsync(url)).EnsureSuccessStatusCode();
        Assert.Equal(loads + 1, Cache.LoadCount);

        var admin = await app.AdminAsync();
        (await admin.Client.PostAsJsonAsync("/api/v1/admin/categories", new { name = "新类目" })).EnsureSuccessStatusCode();
        (await _client.GetAsync(url)).EnsureSuccessStatusCode();
        Assert.Equal(loads + 2, Cache.LoadCount);

        loads = Cache.LoadCount;
        for (var i = 0; i < 3; i++) (await _client.GetAsync("/api/v1/products?q=" + Uri.EscapeDataString("耳机"))).EnsureSuccessStatusCode();
        Assert.Equal(loads, Cache.LoadCount); // straight to MySQL, not through the cache
    }

    [Fact]
    public async Task Cached_entries_get_a_jittered_ttl()
    {
        var options = app.Service<CatalogCacheOptions>();
        var freshUntil = new List<long>();
        foreach (var _ in Enumerable.Range(0, 5))
        {
            var sku = (await app.ProductAsync(stock: 1))[0];
            (await _client.GetAsync($"/api/v1/products/{sku.ProductId}")).EnsureSuccessStatusCode();
            var key = CatalogCache.ProductKey(sku.ProductId);
            var ttl = (await app.Redis.KeyTimeToLiveAsync(key))!.Value.TotalSeconds;
            Assert.InRange(ttl, options.DetailTtlSeconds + options.StaleGraceSeconds - 5,
                options.DetailTtlSeconds * (1 + options.JitterPercent / 100.0) + options.StaleGraceSeconds + 1);
            var stored = (byte[])(await app.Redis.StringGetAsync(key))!;
            freshUntil.Add(long.Parse(System.Text.Encoding.ASCII.GetString(stored, 0, CatalogCache.HeaderLength)));
        }
        Assert.Equal(5, freshUntil.Distinct().Count());
    }

    [Fact]
    public async Task Admin_edits_shelf_and_stock_changes_invalidate_the_cached_product()
    {
        var admin = await app.AdminAsync();
        var sku = (await app.ProductAsync(stock: 10, title: "原名"))[0];
        var url = $"/api/v1/products/{sku.ProductId}";
        Assert.Equal("原名", (await (await _client.GetAsync(url)).ReadAsync<Product>()).Title);

        await using (var db = await app.OpenDbAsync())
        {
            var categoryId = await db.ExecuteScalarAsync<long>("SELECT category_id FROM products WHERE id = @Id", new { Id = sku.ProductId });
            var update = await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", new
            {
                version = 1, categoryId, title = "新名", subtitle = "副标题",
                skus = new object[] { new { id = sku.SkuId, specs = new { 颜色 = "红" }, priceCents = 2500 } },
            });
            update.EnsureSuccessStatusCode();
        }
        var edited = await (await _client.GetAsync(url)).ReadAsync<Product>();
        Assert.Equal("新名", edited.Title);
        Assert.Equal(2500, edited.Skus.Single().PriceCents);

        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/skus/{sku.SkuId}/stock", new { stock = 3 })).EnsureSuccessStatusCode();
        Assert.Equal(3, (await (await _client.GetAsync(url)).ReadAsync<Product>()).Skus.Single().Available);

        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}/shelf", new { onShelf = false })).EnsureSuccessStatusCode();
        await (await _client.GetAsync(url)).ShouldBeNotFoundAsync("The product");
        var list = await (await _client.GetAsync("/api/v1/products?pageSize=100")).ReadAsync<ProductPage>();
        Assert.DoesNotContain(list.Items, p => p.Id == sku.ProductId);

        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}/shelf", new { onShelf = true })).EnsureSuccessStatusCode();
        (await _client.GetAsync(url)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Admin_creates_a_product_that_replaces_a_cached_missing_marker()
    {
        var admin = await app.AdminAsync();
        await using var db = await app.OpenDbAsync();
        var nextId = await db.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) + 1 FROM products");
        await (await _client.GetAsync($"/api/v1/products/{nextId}")).ShouldBeNotFoundAsync("The product");

        var subcategory = await db.ExecuteScalarAsync<long>("SELECT MIN(id) FROM categories WHERE parent_id IS NOT NULL");
        var created = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/products", new
        {
            categoryId = subcategory, title = "新品耳机", subtitle = "降噪", description = "好听",
            images = new[] { "/media/products/earbuds-pro.svg" },
            skus = new object[] { new { specs = new { 颜色 = "白" }, priceCents = 19900, stock = 8 }, new { specs = new { 颜色 = "黑" }, priceCents = 19900, stock = 2 } },
        })).ReadAsync<CreatedProduct>(HttpStatusCode.Created);
        Assert.Equal(nextId, created.Id);
        var product = await (await _client.GetAsync($"/api/v1/products/{created.Id}")).ReadAsync<Product>();
        Assert.Equal(new[] { 8, 2 }, product.Skus.Select(s => s.Available));
        Assert.Equal("白", product.Skus[0].Specs["颜色"]);
        Assert.Contains("\"颜色\":\"白\"", await db.ExecuteScalarAsync<string>("SELECT specs FROM skus WHERE id = @Id", new { Id = product.Skus[0].Id }));
    }

    [Fact]
    public async Task Stock_cannot_go_below_locked_plus_sold()
    {
        var admin = await app.AdminAsync();
        var sku = (await app.ProductAsync(stock: 20))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE skus SET locked = 4, sold = 6 WHERE id = @Id", new { Id = sku.SkuId });
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/skus/{sku.SkuId}/stock", new { stock = 9 })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/skus/{sku.SkuId}/stock", new { stock = 10 })).EnsureSuccessStatusCode();
        Assert.Equal((10, 4, 6), await app.SkuCountersAsync(sku.SkuId));
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/skus/987654321/stock", new { stock = 10 })).ShouldBeNotFoundAsync("The SKU");
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/skus/{sku.SkuId}/stock", new { stock = -1 })).ShouldBeValidationErrorAsync("stock");
    }

    [Fact]
    public async Task Admin_catalog_is_admin_only_and_validates_input()
    {
        var shopper = await app.FastShopperAsync();
        var body = new { categoryId = 1, title = "x", skus = new object[] { new { specs = new { a = "b" }, priceCents = 1, stock = 1 } } };
        await (await shopper.Client.PostAsJsonAsync("/api/v1/admin/products", body)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await _client.PostAsJsonAsync("/api/v1/admin/products", body)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/products", body with { })).ShouldNotBe500Async();
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/products",
            new { categoryId = 1, title = new string('长', 121), skus = body.skus })).ShouldBeValidationErrorAsync("title");
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/products",
            new { categoryId = 1, title = "ok", skus = new object[] { new { specs = new { a = "b" }, priceCents = -5, stock = 1 } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/products",
            new { categoryId = 1, title = "ok", images = new[] { "https://evil.example/x.png" }, skus = body.skus }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        foreach (var skus in new[] { """[null]""", """[{"specs":{"颜色":null},"priceCents":1,"stock":1}]""", """[{"specs":null,"priceCents":1,"stock":1}]""",
                     """[{"specs":{"a":"b"},"priceCents":1}]""", """[{"id":5,"specs":{"a":"b"},"priceCents":1,"stock":1}]""" })
            await (await admin.Client.PostAsync("/api/v1/admin/products", new StringContent(
                $$"""{"categoryId":1,"title":"ok","skus":{{skus}}}""", System.Text.Encoding.UTF8, "application/json")))
                .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/products", new { categoryId = 1, title = "ok", skus = Array.Empty<object>() }))
            .ShouldBeValidationErrorAsync("skus");
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/products", new { categoryId = 123456789, title = "ok", skus = body.skus }))
            .ShouldBeNotFoundAsync("The category");
    }

    [Fact]
    public async Task Categories_have_two_levels_only()
    {
        var admin = await app.AdminAsync();
        var top = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/categories", new { name = "运动" })).ReadAsync<ShopFixtures.IdBody>(HttpStatusCode.Created);
        var sub = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/categories", new { name = "球类", parentId = top.Id })).ReadAsync<ShopFixtures.IdBody>(HttpStatusCode.Created);
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/categories", new { name = "篮球", parentId = sub.Id })).ShouldBeValidationErrorAsync("parentId");
        var tree = await (await _client.GetAsync("/api/v1/categories")).ReadAsync<Tree>();
        Assert.Contains(tree.Categories, c => c.Id == top.Id && c.Children.Any(s => s.Id == sub.Id));
    }

    private sealed record CreatedProduct(long Id, JsonElement[] Skus);
}

internal static class ResponseChecks
{
    public static async Task ShouldNotBe500Async(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"Got {(int)response.StatusCode}: {body}");
    }
}

public sealed class CatalogOpenApiTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task The_openapi_document_describes_the_shop_endpoints()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/products/{id}", "/api/v1/cart/items/{skuId}", "/api/v1/orders", "/api/v1/orders/{orderNo}/cancel",
                     "/api/v1/addresses/{id}", "/api/v1/admin/orders/{orderNo}/ship", "/api/v1/admin/skus/{id}/stock" })
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        var checkout = paths.GetProperty("/api/v1/orders").GetProperty("post");
        Assert.Contains(checkout.GetProperty("parameters").EnumerateArray(), p => string.Equals(p.GetProperty("name").GetString(), "Idempotency-Key", StringComparison.OrdinalIgnoreCase));
        Assert.True(checkout.TryGetProperty("requestBody", out _));
        Assert.True(checkout.GetProperty("responses").TryGetProperty("422", out _));
    }
}
