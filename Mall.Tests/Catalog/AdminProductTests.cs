using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Catalog;

/// <summary>The console's product list, detail and optimistic edits.</summary>
public sealed class AdminProductTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Row(long Id, long CategoryId, string Title, bool OnShelf, long MinPriceCents, long MaxPriceCents, int SkuCount,
        long Stock, long Available, long Sales, int Version);
    private sealed record ProductPage(Row[] Items, int Page, int PageSize, long Total);
    private sealed record Sku(long Id, Dictionary<string, string> Specs, long PriceCents, int Stock, int Locked, int Sold, int Available);
    private sealed record Image(long Id, string Url, int Position, string ContentType);
    private sealed record Detail(long Id, long CategoryId, string Title, bool OnShelf, int Version, Image[] Images, Sku[] Skus);
    private sealed record Updated(long Id, int Version, Sku[] Skus);
    private sealed record PublicProduct(long Id, string Title, string[] Images);

    /// <summary>A fresh category pair with products of known titles, prices and stock (stock is per SKU).</summary>
    private async Task<(long Top, long Sub, TestSku[][] Products)> CatalogAsync(string tag, params (string Title, long Price, int Stock, int Skus)[] products)
    {
        await using var db = await app.OpenDbAsync();
        var top = await db.ExecuteScalarAsync<long>("INSERT INTO categories (parent_id, name, sort_order) VALUES (NULL, @Name, 0); SELECT LAST_INSERT_ID();",
            new { Name = tag });
        var sub = await db.ExecuteScalarAsync<long>("INSERT INTO categories (parent_id, name, sort_order) VALUES (@Top, @Name, 0); SELECT LAST_INSERT_ID();",
            new { Top = top, Name = tag + "子" });
        var made = new List<TestSku[]>();
        foreach (var (title, price, stock, skus) in products)
            made.Add(await app.ProductAsync(stock, price, skus, title, categoryId: sub));
        return (top, sub, made.ToArray());
    }

    private static async Task<ProductPage> ListAsync(Shopper admin, string query) =>
        await (await admin.Client.GetAsync("/api/v1/admin/products?" + query)).ReadAsync<ProductPage>();

    [Fact]
    public async Task The_list_filters_by_title_category_shelf_and_stock_sorts_and_pages_with_the_off_shelf_ones_included()
    {
        var admin = await app.AdminAsync();
        var tag = "L" + Guid.NewGuid().ToString("N")[..8];
        var (top, sub, products) = await CatalogAsync(tag,
            ($"{tag} 苹果", 500, 50, 2), ($"{tag} 香蕉", 300, 5, 1), ($"{tag} 樱桃", 900, 0, 1), ($"{tag} 苹果干", 100, 20, 1));
        await using (var db = await app.OpenDbAsync())
        {
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = products[3][0].ProductId });
            await db.ExecuteAsync("UPDATE skus SET locked = 2, sold = 1 WHERE id = @Id", new { Id = products[1][0].SkuId });
        }

        var all = await ListAsync(admin, $"categoryId={top}&pageSize=100");
        Assert.Equal(4, all.Total);
        Assert.Contains(all.Items, r => r.Id == products[3][0].ProductId && !r.OnShelf);
        var apples = all.Items.Single(r => r.Id == products[0][0].ProductId);
        Assert.Equal((500, 600, 2, 100, 100), (apples.MinPriceCents, apples.MaxPriceCents, apples.SkuCount, apples.Stock, apples.Available));
        Assert.Equal(1, apples.Version);
        Assert.Equal(2, all.Items.Single(r => r.Id == products[1][0].ProductId).Available);

        // The public list does not show the off-shelf one; the console does, alone when asked for shelf=off.
        Assert.Equal([products[3][0].ProductId], (await ListAsync(admin, $"categoryId={sub}&shelf=off")).Items.Select(r => r.Id));
        Assert.Equal(3, (await ListAsync(admin, $"categoryId={sub}&shelf=on")).Total);
        Assert.Equal(2, (await ListAsync(admin, $"categoryId={top}&q=" + Uri.EscapeDataString("苹果"))).Total);
        Assert.Equal(0, (await ListAsync(admin, $"categoryId={top}&q=" + Uri.EscapeDataString("%"))).Total);

        Assert.Equal([products[2][0].ProductId], (await ListAsync(admin, $"categoryId={top}&stock=outOfStock")).Items.Select(r => r.Id));
        Assert.Equal(new[] { products[1][0].ProductId, products[2][0].ProductId }.Order(),
            (await ListAsync(admin, $"categoryId={top}&stock=lowStock")).Items.Select(r => r.Id).Order());
        Assert.Equal(3, (await ListAsync(admin, $"categoryId={top}&stock=lowStock&lowStockThreshold=20")).Total);

        Assert.Equal(new[] { 100L, 300, 500, 900 }, (await ListAsync(admin, $"categoryId={top}&sort=price_asc")).Items.Select(r => r.MinPriceCents));
        Assert.Equal(new[] { 100L, 20, 2, 0 }, (await ListAsync(admin, $"categoryId={top}&sort=stock_desc")).Items.Select(r => r.Available));
        Assert.Equal(products[3][0].ProductId, (await ListAsync(admin, $"categoryId={top}&sort=newest")).Items[0].Id);

        var first = await ListAsync(admin, $"categoryId={top}&sort=price_asc&page=1&pageSize=3");
        var second = await ListAsync(admin, $"categoryId={top}&sort=price_asc&page=2&pageSize=3");
        Assert.Equal((4L, 3, 1), (first.Total, first.Items.Length, second.Items.Length));
        Assert.Equal(900, second.Items.Single().MinPriceCents);

        await (await admin.Client.GetAsync("/api/v1/admin/products?stock=some")).ShouldBeValidationErrorAsync("stock");
        await (await admin.Client.GetAsync("/api/v1/admin/products?shelf=maybe")).ShouldBeValidationErrorAsync("shelf");
        await (await admin.Client.GetAsync("/api/v1/admin/products?sort=random")).ShouldBeValidationErrorAsync("sort");
        await (await admin.Client.GetAsync("/api/v1/admin/products?pageSize=101")).ShouldBeValidationErrorAsync("pageSize");
    }

    [Fact]
    public async Task The_detail_shows_an_off_shelf_product_with_every_sku_its_images_and_its_version()
    {
        var admin = await app.AdminAsync();
        var skus = await app.ProductAsync(stock: 30, skus: 2);
        await using (var db = await app.OpenDbAsync())
        {
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = skus[0].ProductId });
            await db.ExecuteAsync("UPDATE skus SET locked = 3, sold = 4 WHERE id = @Id", new { Id = skus[1].SkuId });
        }
        var response = await admin.Client.GetAsync($"/api/v1/admin/products/{skus[0].ProductId}");
        var detail = await response.ReadAsync<Detail>();
        Assert.False(detail.OnShelf);
        Assert.Equal(1, detail.Version);
        Assert.Equal("\"v1\"", response.Headers.ETag?.ToString());
        Assert.Equal([skus[0].SkuId, skus[1].SkuId], detail.Skus.Select(s => s.Id));
        Assert.Equal((30, 3, 4, 23), (detail.Skus[1].Stock, detail.Skus[1].Locked, detail.Skus[1].Sold, detail.Skus[1].Available));
        // The fixture's image was only a path in products.images: the console gives it an id.
        var image = Assert.Single(detail.Images);
        Assert.Equal(("/media/products/phone-x5.svg", 0, ""), (image.Url, image.Position, image.ContentType));
        Assert.True(image.Id > 0);
        Assert.Equal(image.Id, (await (await admin.Client.GetAsync($"/api/v1/admin/products/{skus[0].ProductId}")).ReadAsync<Detail>()).Images.Single().Id);

        await (await admin.Client.GetAsync("/api/v1/admin/products/987654321")).ShouldBeNotFoundAsync("The product");
    }

    [Fact]
    public async Task An_edit_changes_fields_prices_and_stock_adds_skus_moves_the_version_on_and_is_audited()
    {
        var admin = await app.AdminAsync();
        var skus = await app.ProductAsync(stock: 10, skus: 2, title: "旧标题");
        var productId = skus[0].ProductId;
        var categoryId = (await (await admin.Client.GetAsync($"/api/v1/admin/products/{productId}")).ReadAsync<Detail>()).CategoryId;
        Assert.Equal("旧标题", (await (await app.CreateClient().GetAsync($"/api/v1/products/{productId}")).ReadAsync<PublicProduct>()).Title);

        var response = await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{productId}", new
        {
            version = 1, categoryId, title = "新标题", subtitle = "新副标题", description = "说明",
            skus = new object[]
            {
                new { id = skus[0].SkuId, specs = new { 颜色 = "红" }, priceCents = 2500, stock = 40 },
                new { id = skus[1].SkuId, specs = new { 颜色 = "蓝" }, priceCents = 2600 },
                new { specs = new { 颜色 = "绿" }, priceCents = 2700, stock = 7 },
            },
        });
        var updated = await response.ReadAsync<Updated>();
        Assert.Equal(2, updated.Version);
        Assert.Equal("\"v2\"", response.Headers.ETag?.ToString());
        Assert.Equal(new[] { (2500L, 40), (2600L, 10), (2700L, 7) }, updated.Skus.Select(s => (s.PriceCents, s.Stock)));

        // The shop sees the edit at once (the cached detail was invalidated).
        Assert.Equal("新标题", (await (await app.CreateClient().GetAsync($"/api/v1/products/{productId}")).ReadAsync<PublicProduct>()).Title);

        await using var db = await app.OpenDbAsync();
        var audit = await db.QuerySingleAsync<(long ActorId, string Entity, string Before, string After)>(
            "SELECT actor_id, entity, before_json, after_json FROM admin_audit WHERE action = 'product.update' AND entity_id = @Id", new { Id = productId.ToString() });
        Assert.Equal((admin.UserId, "product"), (audit.ActorId, audit.Entity));
        using var before = JsonDocument.Parse(audit.Before);
        using var after = JsonDocument.Parse(audit.After);
        Assert.Equal(("旧标题", 1), (before.RootElement.GetProperty("title").GetString(), before.RootElement.GetProperty("version").GetInt32()));
        Assert.Equal(("新标题", 2), (after.RootElement.GetProperty("title").GetString(), after.RootElement.GetProperty("version").GetInt32()));
        Assert.Equal(3, after.RootElement.GetProperty("skus").GetArrayLength());
    }

    [Fact]
    public async Task A_stale_edit_is_refused_with_409_and_overwrites_nothing()
    {
        var admin = await app.AdminAsync();
        var sku = (await app.ProductAsync(stock: 10, title: "原名"))[0];
        var categoryId = (await (await admin.Client.GetAsync($"/api/v1/admin/products/{sku.ProductId}")).ReadAsync<Detail>()).CategoryId;
        object Edit(int version, string title) => new
        {
            version, categoryId, title, skus = new object[] { new { id = sku.SkuId, specs = new { 颜色 = "红" }, priceCents = 100 } },
        };
        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", Edit(1, "第一次"))).EnsureSuccessStatusCode();

        var stale = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", Edit(1, "过期的"))).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("product.version_conflict", stale.GetProperty("code").GetString());
        Assert.Equal(2, stale.GetProperty("args").GetProperty("current").GetInt32());

        // A stock change moves the version on too: an edit loaded before it would put the old stock back.
        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/skus/{sku.SkuId}/stock", new { stock = 77 })).EnsureSuccessStatusCode();
        var afterStock = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", Edit(2, "过期的"))).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("product.version_conflict", afterStock.GetProperty("code").GetString());

        var detail = await (await admin.Client.GetAsync($"/api/v1/admin/products/{sku.ProductId}")).ReadAsync<Detail>();
        Assert.Equal(("第一次", 3, 77), (detail.Title, detail.Version, detail.Skus.Single().Stock));
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", new { categoryId, title = "无版本", skus = new object[] { new { id = sku.SkuId, specs = new { }, priceCents = 1 } } }))
            .ShouldBeValidationErrorAsync("version");
    }

    [Fact]
    public async Task Of_concurrent_edits_made_from_the_same_version_exactly_one_wins()
    {
        var admin = await app.AdminAsync();
        var sku = (await app.ProductAsync(stock: 10))[0];
        var categoryId = (await (await admin.Client.GetAsync($"/api/v1/admin/products/{sku.ProductId}")).ReadAsync<Detail>()).CategoryId;
        const int editors = 8;
        using var start = new SemaphoreSlim(0);
        var edits = Enumerable.Range(0, editors).Select(async i =>
        {
            await start.WaitAsync();
            return await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", new
            {
                version = 1, categoryId, title = $"编辑者 {i}",
                skus = new object[] { new { id = sku.SkuId, specs = new { 颜色 = "红" }, priceCents = 1000 + i, stock = 20 + i } },
            });
        }).ToList();
        start.Release(editors);
        var responses = await Task.WhenAll(edits);

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            Assert.Equal("product.version_conflict", (await loser.ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        var winner = (await winners[0].ReadAsync<Updated>()).Skus.Single();
        var detail = await (await admin.Client.GetAsync($"/api/v1/admin/products/{sku.ProductId}")).ReadAsync<Detail>();
        Assert.Equal(2, detail.Version);
        var i = winner.PriceCents - 1000;
        Assert.Equal(($"编辑者 {i}", 20 + (int)i), (detail.Title, detail.Skus.Single().Stock));
        await using var db = await app.OpenDbAsync();
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM admin_audit WHERE action = 'product.update' AND entity_id = @Id",
            new { Id = sku.ProductId.ToString() }));
    }

    [Fact]
    public async Task An_edit_cannot_set_stock_below_what_is_held_and_sold_nor_touch_another_products_sku()
    {
        var admin = await app.AdminAsync();
        var sku = (await app.ProductAsync(stock: 20))[0];
        var other = (await app.ProductAsync(stock: 20))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE skus SET locked = 4, sold = 6 WHERE id = @Id", new { Id = sku.SkuId });
        var categoryId = (await (await admin.Client.GetAsync($"/api/v1/admin/products/{sku.ProductId}")).ReadAsync<Detail>()).CategoryId;

        var low = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", new
        {
            version = 1, categoryId, title = "改", skus = new object[] { new { id = sku.SkuId, specs = new { 颜色 = "红" }, priceCents = 100, stock = 9 } },
        })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("product.stock_below_committed", low.GetProperty("code").GetString());
        Assert.Equal(10, low.GetProperty("args").GetProperty("min").GetInt32());

        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{sku.ProductId}", new
        {
            version = 1, categoryId, title = "改", skus = new object[] { new { id = other.SkuId, specs = new { 颜色 = "红" }, priceCents = 100 } },
        })).ShouldBeNotFoundAsync($"SKU {other.SkuId} of this product");

        // Nothing of either refused edit was kept.
        var detail = await (await admin.Client.GetAsync($"/api/v1/admin/products/{sku.ProductId}")).ReadAsync<Detail>();
        Assert.Equal(("测试商品", 1, 20), (detail.Title, detail.Version, detail.Skus.Single().Stock));
    }

    [Fact]
    public async Task Shoppers_get_403_from_every_console_product_endpoint()
    {
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 1))[0];
        var id = sku.ProductId;
        HttpRequestMessage[] requests =
        [
            new(HttpMethod.Get, "/api/v1/admin/products"),
            new(HttpMethod.Get, $"/api/v1/admin/products/{id}"),
            new(HttpMethod.Put, $"/api/v1/admin/products/{id}") { Content = JsonContent.Create(new { version = 1, categoryId = 1, title = "x", skus = Array.Empty<object>() }) },
            new(HttpMethod.Put, $"/api/v1/admin/skus/{sku.SkuId}/stock") { Content = JsonContent.Create(new { stock = 1 }) },
            new(HttpMethod.Post, $"/api/v1/admin/products/{id}/shelf") { Content = JsonContent.Create(new { onShelf = false }) },
        ];
        foreach (var request in requests)
            await (await shopper.Client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await using var db = await app.OpenDbAsync();
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT version FROM products WHERE id = @Id", new { Id = id }));
    }
}
