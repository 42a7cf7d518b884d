using System.Net;
using System.Net.Http.Json;
using Dapper;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Cart;

public sealed class CartTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Line(long SkuId, long ProductId, string Title, Dictionary<string, string> Specs, long PriceCents, int Quantity,
        long LineTotalCents, int Available, bool OnShelf, bool ShortOfStock);
    private sealed record CartBody(Line[] Lines, int TotalQuantity, long TotalCents, bool Purchasable);

    [Fact]
    public async Task Cart_lines_are_priced_from_current_sku_data()
    {
        var shopper = await app.FastShopperAsync();
        var skus = await app.ProductAsync(stock: 10, priceCents: 1500, skus: 2);
        (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skus[0].SkuId}", new { quantity = 2 })).EnsureSuccessStatusCode();
        var cart = await (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skus[1].SkuId}", new { quantity = 3 })).ReadAsync<CartBody>();
        Assert.Equal(2 * 1500 + 3 * 1600, cart.TotalCents);
        Assert.Equal(5, cart.TotalQuantity);
        Assert.True(cart.Purchasable);

        // A price change shows up in the cart at once: the cart stores quantities only.
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE skus SET price_cents = 1000 WHERE id = @Id", new { Id = skus[0].SkuId });
        cart = await (await shopper.Client.GetAsync("/api/v1/cart")).ReadAsync<CartBody>();
        Assert.Equal(2000, cart.Lines.Single(l => l.SkuId == skus[0].SkuId).LineTotalCents);
        Assert.Equal(2 * 1000 + 3 * 1600, cart.TotalCents);

        // Setting a quantity replaces it; deleting removes the line.
        cart = await (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skus[0].SkuId}", new { quantity = 1 })).ReadAsync<CartBody>();
        Assert.Equal(1, cart.Lines.Single(l => l.SkuId == skus[0].SkuId).Quantity);
        cart = await (await shopper.Client.DeleteAsync($"/api/v1/cart/items/{skus[0].SkuId}")).ReadAsync<CartBody>();
        Assert.Equal(skus[1].SkuId, cart.Lines.Single().SkuId);
    }

    [Fact]
    public async Task Off_shelf_and_short_of_stock_lines_are_flagged_and_left_out_of_the_total()
    {
        var shopper = await app.FastShopperAsync();
        var a = (await app.ProductAsync(stock: 5, priceCents: 1000))[0];
        var b = (await app.ProductAsync(stock: 5, priceCents: 2000))[0];
        var c = (await app.ProductAsync(stock: 5, priceCents: 4000))[0];
        foreach (var sku in new[] { a, b, c })
            (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{sku.SkuId}", new { quantity = 3 })).EnsureSuccessStatusCode();
        await using (var db = await app.OpenDbAsync())
        {
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = a.ProductId });
            await db.ExecuteAsync("UPDATE skus SET locked = 4 WHERE id = @Id", new { Id = b.SkuId });
        }
        var cart = await (await shopper.Client.GetAsync("/api/v1/cart")).ReadAsync<CartBody>();
        Assert.False(cart.Lines.Single(l => l.SkuId == a.SkuId).OnShelf);
        var shortLine = cart.Lines.Single(l => l.SkuId == b.SkuId);
        Assert.True(shortLine.ShortOfStock);
        Assert.Equal(1, shortLine.Available);
        Assert.Equal(3 * 4000, cart.TotalCents);
        Assert.False(cart.Purchasable);
    }

    [Fact]
    public async Task Over_stock_is_409_unknown_sku_404_and_off_shelf_409()
    {
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 4))[0];
        await (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{sku.SkuId}", new { quantity = 5 })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await shopper.Client.PutAsJsonAsync("/api/v1/cart/items/987654321", new { quantity = 1 })).ShouldBeNotFoundAsync("The SKU");
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = sku.ProductId });
        await (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{sku.SkuId}", new { quantity = 1 })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var cart = await (await shopper.Client.GetAsync("/api/v1/cart")).ReadAsync<CartBody>();
        Assert.Empty(cart.Lines);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("100")]
    [InlineData("99999999999")]
    [InlineData("\"two\"")]
    [InlineData("null")]
    public async Task Bad_quantities_are_400(string quantity)
    {
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 4))[0];
        var response = await shopper.Client.PutAsync($"/api/v1/cart/items/{sku.SkuId}",
            new StringContent($$"""{"quantity": {{quantity}}}""", System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("99999999999999999999")]
    public async Task Malformed_sku_ids_are_400(string skuId)
    {
        var shopper = await app.FastShopperAsync();
        await (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skuId}", new { quantity = 1 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await shopper.Client.DeleteAsync($"/api/v1/cart/items/{skuId}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_cart_needs_a_signed_in_shopper_and_is_private()
    {
        await (await app.CreateClient().GetAsync("/api/v1/cart")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var one = await app.FastShopperAsync();
        var other = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 4))[0];
        (await one.Client.PutAsJsonAsync($"/api/v1/cart/items/{sku.SkuId}", new { quantity = 1 })).EnsureSuccessStatusCode();
        Assert.Empty((await (await other.Client.GetAsync("/api/v1/cart")).ReadAsync<CartBody>()).Lines);
    }
}

/// <summary>A shop whose carts hold at most three different SKUs.</summary>
public sealed class SmallCartApp() : MallApp(TestHostOption.Set(("Cart:MaxLines", "3")));

public sealed class CartCapTests(SmallCartApp app) : IClassFixture<SmallCartApp>
{
    private sealed record Line(long SkuId, int Quantity);
    private sealed record CartBody(Line[] Lines, int TotalQuantity, long TotalCents, bool Purchasable);

    [Fact]
    public async Task Lines_added_at_once_never_pass_the_cap_and_a_full_cart_still_takes_new_quantities()
    {
        var shopper = await app.FastShopperAsync();
        var skus = new List<long>();
        for (var i = 0; i < 8; i++) skus.Add((await app.ProductAsync(stock: 10))[0].SkuId);

        var responses = await Task.WhenAll(skus.Select(id => shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{id}", new { quantity = 1 })));
        var added = new List<long>();
        for (var i = 0; i < skus.Count; i++)
        {
            if (responses[i].StatusCode == HttpStatusCode.OK)
            {
                // Each answer is the cart as it was right after its own write: its line is in it, at most three lines.
                var body = await responses[i].ReadAsync<CartBody>();
                Assert.Contains(body.Lines, l => l.SkuId == skus[i]);
                Assert.InRange(body.Lines.Length, 1, 3);
                added.Add(skus[i]);
                continue;
            }
            var problem = await responses[i].ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("cart.full", problem.GetProperty("code").GetString());
        }
        Assert.Equal(3, added.Count);

        var cart = await (await shopper.Client.GetAsync("/api/v1/cart")).ReadAsync<CartBody>();
        Assert.Equal(added.Order(), cart.Lines.Select(l => l.SkuId).Order());

        // A line already in the full cart can still change its quantity; the answer prices every line.
        cart = await (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{added[0]}", new { quantity = 4 })).ReadAsync<CartBody>();
        Assert.Equal(4, cart.Lines.Single(l => l.SkuId == added[0]).Quantity);
        Assert.Equal(3, cart.Lines.Length);
        Assert.Equal(6, cart.TotalQuantity);

        // Every write renews the cart's idle lifetime (Cart:IdleDays, 30).
        var ttl = await app.Redis.KeyTimeToLiveAsync(Mall.Features.Cart.CartKeys.For(shopper.UserId));
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
    }
}

