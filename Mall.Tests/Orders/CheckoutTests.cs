using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Tests.Infrastructure;
using static Mall.Tests.Infrastructure.ShopFixtures;

namespace Mall.Tests.Orders;

public sealed class CheckoutTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task Checkout_locks_stock_and_snapshots_prices_titles_and_the_address()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var skus = await app.ProductAsync(stock: 10, priceCents: 12345, skus: 2, title: "快照商品");
        var response = await shopper.CheckoutAsync(new { items = new[] { new { skuId = skus[1].SkuId, quantity = 2 }, new { skuId = skus[0].SkuId, quantity = 1 } }, addressId });
        var placed = await response.ReadAsync<PlacedOrder>(HttpStatusCode.Created);

        Assert.Equal("PendingPayment", placed.Status);
        Assert.Equal(12345 + 2 * 12445, placed.TotalCents); // above Orders:Shipping:FreeFromCents (99.00): ships free
        Assert.InRange(placed.ExpiresAt, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(16));
        Assert.Matches("^[0-9]{23}$", placed.OrderNo);
        Assert.Equal((10, 1, 0), await app.SkuCountersAsync(skus[0].SkuId));
        Assert.Equal((10, 2, 0), await app.SkuCountersAsync(skus[1].SkuId));

        // Later catalog edits do not touch the placed order.
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("UPDATE skus SET price_cents = 1 WHERE product_id = @Id; UPDATE products SET title = '改名' WHERE id = @Id", new { Id = skus[0].ProductId });
        await db.ExecuteAsync("UPDATE addresses SET detail = '搬家了' WHERE id = @Id", new { Id = addressId });
        var order = await (await shopper.Client.GetAsync($"/api/v1/orders/{placed.OrderNo}")).ReadAsync<JsonElement>();
        Assert.Equal("快照商品", order.GetProperty("items")[0].GetProperty("title").GetString());
        Assert.Equal(12345, order.GetProperty("items")[0].GetProperty("priceCents").GetInt64());
        Assert.Equal("科技园 1 栋", order.GetProperty("address").GetProperty("detail").GetString());
        Assert.Equal("normal", order.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Checkout_from_cart_buys_the_cart_and_removes_the_bought_lines()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var skus = await app.ProductAsync(stock: 10, priceCents: 500, skus: 2);
        (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skus[0].SkuId}", new { quantity = 3 })).EnsureSuccessStatusCode();
        (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skus[1].SkuId}", new { quantity = 1 })).EnsureSuccessStatusCode();
        var placed = await (await shopper.CheckoutAsync(new { fromCart = true, addressId })).ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.Equal(3 * 500 + 600 + 1000, placed.TotalCents); // below 99.00: the 10.00 shipping fee is charged
        var cart = await (await shopper.Client.GetAsync("/api/v1/cart")).ReadAsync<JsonElement>();
        Assert.Equal(0, cart.GetProperty("lines").GetArrayLength());

        await (await shopper.CheckoutAsync(new { fromCart = true, addressId })).ShouldBeValidationErrorAsync("fromCart");
    }

    [Fact]
    public async Task A_retried_cart_checkout_replays_although_the_cart_is_now_empty()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 10, priceCents: 700))[0];
        (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{sku.SkuId}", new { quantity = 2 })).EnsureSuccessStatusCode();
        var key = Guid.NewGuid().ToString();
        var first = await (await shopper.CheckoutAsync(new { fromCart = true, addressId }, key)).ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        var retry = await (await shopper.CheckoutAsync(new { fromCart = true, addressId }, key)).ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.Equal(first, retry);
        Assert.Equal(2, (await app.SkuCountersAsync(sku.SkuId)).Locked);
    }

    [Fact]
    public async Task The_same_key_and_body_replays_the_answer_and_another_body_is_422()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 10))[0];
        var key = Guid.NewGuid().ToString();
        var body = new { items = new[] { new { skuId = sku.SkuId, quantity = 2 } }, addressId };

        var first = await (await shopper.CheckoutAsync(body, key)).ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        var again = await shopper.CheckoutAsync(body, key);
        var replayed = await again.ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.Equal(first, replayed);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());

        var other = new { items = new[] { new { skuId = sku.SkuId, quantity = 3 } }, addressId };
        await (await shopper.CheckoutAsync(other, key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        // Concurrent retries with one key also make one order.
        var key2 = Guid.NewGuid().ToString();
        var racing = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => shopper.CheckoutAsync(body, key2)));
        var numbers = new HashSet<string>();
        foreach (var r in racing) numbers.Add((await r.ReadAsync<PlacedOrder>(HttpStatusCode.Created)).OrderNo);
        Assert.Single(numbers);

        await using var db = await app.OpenDbAsync();
        Assert.Equal(2, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE user_id = @Id", new { Id = shopper.UserId }));
        Assert.Equal(4, (await app.SkuCountersAsync(sku.SkuId)).Locked);

        // Keys belong to a shopper: another shopper's identical key is a new order of theirs.
        var neighbour = await app.FastShopperAsync();
        var theirs = await (await neighbour.CheckoutAsync(new { body.items, addressId = await neighbour.AddressAsync() }, key))
            .ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.NotEqual(first.OrderNo, theirs.OrderNo);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("has spaces in it")]
    [InlineData("ключ-идемпотентности")]
    public async Task Missing_or_malformed_idempotency_key_is_400(string? key)
    {
        var shopper = await app.FastShopperAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { skuId = 1, quantity = 1 } }, addressId = 1 }),
        };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        await (await shopper.Client.SendAsync(request)).ShouldBeValidationErrorAsync("idempotencyKey");
    }

    [Theory]
    [InlineData("""{"items":[{"skuId":1,"quantity":0}],"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":-3}],"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":99999999999}],"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":10001}],"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":"abc","quantity":1}],"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":0,"quantity":1}],"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1},{"skuId":1,"quantity":2}],"addressId":1}""")]
    [InlineData("""{"items":[],"addressId":1}""")]
    [InlineData("""{"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1}],"fromCart":true,"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1}]}""")]
    [InlineData("""{"items":[null],"addressId":1}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1}],"addressId":1""")]
    [InlineData("""[1,2,3]""")]
    public async Task Bad_bodies_are_400(string json)
    {
        var shopper = await app.FastShopperAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await (await shopper.Client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_sku_or_someone_elses_address_is_404()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 5))[0];
        var unknown = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = 987654321, quantity = 1 } }, addressId }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(("orders.sku_not_found", "987654321"), (unknown.GetProperty("code").GetString(),
            unknown.GetProperty("args").GetProperty("skuId").GetString()));
        Assert.Equal("SKU 987654321 is not sold here (any more).", unknown.GetProperty("detail").GetString());
        var stranger = await app.FastShopperAsync();
        await (await stranger.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId }))
            .ShouldBeNotFoundAsync("The address");
        Assert.Equal(0, (await app.SkuCountersAsync(sku.SkuId)).Locked);
    }

    [Fact]
    public async Task Short_stock_on_any_line_is_409_and_locks_nothing()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var plenty = (await app.ProductAsync(stock: 50))[0];
        var scarce = (await app.ProductAsync(stock: 2))[0];
        var problem = await (await shopper.CheckoutAsync(new
        {
            items = new[] { new { skuId = plenty.SkuId, quantity = 3 }, new { skuId = scarce.SkuId, quantity = 3 } }, addressId,
        })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("orders.insufficient_stock", problem.GetProperty("code").GetString());
        Assert.Equal("Only 2 of '测试商品 (色0)' left (3 asked).", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await app.SkuCountersAsync(plenty.SkuId)).Locked);
        Assert.Equal(0, (await app.SkuCountersAsync(scarce.SkuId)).Locked);
    }

    [Fact]
    public async Task Off_shelf_products_cannot_be_ordered()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 5))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = sku.ProductId });
        await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Griefing_caps_per_line_per_order_and_open_orders_are_409_with_a_clear_message()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var skus = await app.ProductAsync(stock: 1000, skus: 4);

        var perLine = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = skus[0].SkuId, quantity = 11 } }, addressId }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("At most 10 of one item", perLine.GetProperty("detail").GetString());

        var perOrder = await (await shopper.CheckoutAsync(new { items = skus.Select(s => new { skuId = s.SkuId, quantity = 8 }).ToArray(), addressId }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("At most 30 items per order", perOrder.GetProperty("detail").GetString());

        for (var i = 0; i < 3; i++)
            (await shopper.CheckoutAsync(new { items = new[] { new { skuId = skus[i].SkuId, quantity = 1 } }, addressId })).EnsureSuccessStatusCode();
        var tooMany = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = skus[3].SkuId, quantity = 1 } }, addressId }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("unpaid orders", tooMany.GetProperty("detail").GetString());
        Assert.Equal(0, (await app.SkuCountersAsync(skus[3].SkuId)).Locked);
    }

    [Fact]
    public async Task Checkout_refreshes_the_cached_availability()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 9))[0];
        var anonymous = app.CreateClient();
        var before = await (await anonymous.GetAsync($"/api/v1/products/{sku.ProductId}")).ReadAsync<JsonElement>();
        Assert.Equal(9, before.GetProperty("skus")[0].GetProperty("available").GetInt32());
        (await shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 4 } }, addressId })).EnsureSuccessStatusCode();
        var after = await (await anonymous.GetAsync($"/api/v1/products/{sku.ProductId}")).ReadAsync<JsonElement>();
        Assert.Equal(5, after.GetProperty("skus")[0].GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Order_numbers_are_unique_and_sort_by_time()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 100))[0];
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            numbers.Add((await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId }))
                .ReadAsync<PlacedOrder>(HttpStatusCode.Created)).OrderNo);
        }
        Assert.Equal(numbers.Order(StringComparer.Ordinal), numbers);
        Assert.Equal(3, numbers.Distinct().Count());
        Assert.StartsWith(DateTime.UtcNow.ToString("yyyyMMdd"), numbers[0]);
    }
}
