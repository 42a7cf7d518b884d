using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Mall.Infrastructure.Auth;

namespace Mall.Tests.Infrastructure;

public sealed record TestSku(long ProductId, long SkuId, long PriceCents);

/// <summary>Arrangement helpers for the catalog, cart, address and order tests.</summary>
public static class ShopFixtures
{
    /// <summary>
    /// A shopper made straight in the database with a token from the app's own issuer: registering through the API
    /// costs a PBKDF2 hash per user, too slow for tests that need dozens (the register path has its own tests).
    /// </summary>
    public static async Task<Shopper> FastShopperAsync(this MallApp app)
    {
        var account = $"f{Guid.NewGuid():N}"[..20] + "@test.mall";
        await using var db = await app.OpenDbAsync();
        var userId = await db.ExecuteScalarAsync<long>("""
            INSERT INTO users (account, password_hash, nickname, role, created_at, updated_at)
            VALUES (@Account, 'not-a-hash', 'tester', 'shopper', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
            SELECT LAST_INSERT_ID();
            """, new { Account = account });
        var token = app.Service<AccessTokenIssuer>().Issue(userId, Roles.Shopper, Guid.NewGuid().ToString("N"));
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return new Shopper(userId, account, "", token.Token, "", client);
    }

    /// <summary>A category pair, a product on shelf and its SKUs, written with SQL (no cache involved).</summary>
    public static async Task<TestSku[]> ProductAsync(this MallApp app, int stock, long priceCents = 1999, int skus = 1,
        string title = "测试商品", string subtitle = "", long? categoryId = null)
    {
        await using var db = await app.OpenDbAsync();
        categoryId ??= await db.ExecuteScalarAsync<long>("""
            INSERT INTO categories (parent_id, name, sort_order) VALUES (NULL, 'Top', 0);
            INSERT INTO categories (parent_id, name, sort_order) VALUES (LAST_INSERT_ID(), 'Sub', 0);
            SELECT LAST_INSERT_ID();
            """);
        var productId = await db.ExecuteScalarAsync<long>("""
            INSERT INTO products (category_id, title, subtitle, description, images, on_shelf, sales, created_at, updated_at)
            VALUES (@CategoryId, @Title, @Subtitle, '', '["/media/products/phone-x5.svg"]', 1, 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
            SELECT LAST_INSERT_ID();
            """, new { CategoryId = categoryId, Title = title, Subtitle = subtitle });
        var result = new TestSku[skus];
        for (var i = 0; i < skus; i++)
        {
            var price = priceCents + i * 100;
            var skuId = await db.ExecuteScalarAsync<long>("""
                INSERT INTO skus (product_id, specs, price_cents, stock, locked, sold, created_at, updated_at)
                VALUES (@ProductId, @Specs, @Price, @Stock, 0, 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
                SELECT LAST_INSERT_ID();
                """, new { ProductId = productId, Specs = $$"""{"颜色":"色{{i}}"}""", Price = price, Stock = stock });
            result[i] = new TestSku(productId, skuId, price);
        }
        return result;
    }

    public static async Task<long> AddressAsync(this Shopper shopper)
    {
        var response = await shopper.Client.PostAsJsonAsync("/api/v1/addresses", new
        {
            receiver = "韩梅梅", phone = "13800138000", province = "广东省", city = "深圳市", district = "南山区", detail = "科技园 1 栋", isDefault = true,
        });
        return (await response.ReadAsync<IdBody>(System.Net.HttpStatusCode.Created)).Id;
    }

    public static Task<HttpResponseMessage> CheckoutAsync(this Shopper shopper, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return shopper.Client.SendAsync(request);
    }

    public static async Task<(int Stock, int Locked, int Sold)> SkuCountersAsync(this MallApp app, long skuId)
    {
        await using var db = await app.OpenDbAsync();
        return await db.QuerySingleAsync<(int, int, int)>("SELECT stock, locked, sold FROM skus WHERE id = @Id", new { Id = skuId });
    }

    public sealed record IdBody(long Id);
    public sealed record PlacedOrder(string OrderNo, string Status, long TotalCents, DateTime ExpiresAt);
}
