using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Features.Orders;
using Mall.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Mall.Tests.Infrastructure.ShopFixtures;

namespace Mall.Tests.Orders;

/// <summary>The checkout preview: what the shopper is shown is what checkout charges, to the cent.</summary>
public sealed class PreviewTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Problem(string Code, string Message, Dictionary<string, JsonElement> Args);
    private sealed record Line(long SkuId, long ProductId, string Title, Dictionary<string, string> Specs, string Image, long UnitPriceCents,
        int Quantity, long LineTotalCents, int Available, Problem? Problem);
    private sealed record Preview(Line[] Lines, long SubtotalCents, long ShippingFeeCents, long FreeShippingFromCents, long TotalCents,
        long PointsToEarn, bool Purchasable, Problem[] Problems);

    private static async Task<Preview> PreviewAsync(Shopper shopper, object body) =>
        await (await shopper.Client.PostAsJsonAsync("/api/v1/orders/preview", body)).ReadAsync<Preview>();

    private static object Items(params (long SkuId, int Quantity)[] lines) =>
        new { items = lines.Select(l => new { skuId = l.SkuId, quantity = l.Quantity }).ToArray() };

    public static TheoryData<long, int[], long> Baskets => new()
    {
        // unit price, quantities of SKUs priced unit, unit + 1.00, …; expected fee (defaults: 10.00 below 99.00)
        { 1, [1], 1000 },                 // a 0.01 basket still pays the flat fee
        { 9899, [1], 1000 },              // one cent below the threshold
        { 9900, [1], 0 },                 // exactly the threshold ships free
        { 1999, [2, 1, 3], 0 },           // several lines adding up above it
        { 1234, [1, 2, 1, 1], 1000 },     // several lines, 56.70 in all
        { 15900, [10], 0 },               // the per-line cap
    };

    [Theory]
    [MemberData(nameof(Baskets))]
    public async Task The_preview_total_is_the_total_checkout_charges(long unitPriceCents, int[] quantities, long expectedFee)
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var skus = await app.ProductAsync(stock: 50, priceCents: unitPriceCents, skus: quantities.Length, title: "预览商品");
        var items = skus.Zip(quantities, (s, q) => new { skuId = s.SkuId, quantity = q }).ToArray();

        var preview = await PreviewAsync(shopper, new { items, addressId });
        var subtotal = skus.Zip(quantities, (s, q) => s.PriceCents * q).Sum();
        Assert.True(preview.Purchasable);
        Assert.Empty(preview.Problems);
        Assert.Equal(subtotal, preview.SubtotalCents);
        Assert.Equal(expectedFee, preview.ShippingFeeCents);
        Assert.Equal(subtotal + expectedFee, preview.TotalCents);
        Assert.Equal((subtotal + expectedFee) / 100, preview.PointsToEarn);
        Assert.Equal(9900, preview.FreeShippingFromCents);
        Assert.Equal(skus.Select(s => s.SkuId), preview.Lines.Select(l => l.SkuId));
        Assert.All(preview.Lines, l => Assert.Equal(l.UnitPriceCents * l.Quantity, l.LineTotalCents));
        Assert.All(preview.Lines, l => Assert.Null(l.Problem));

        var placed = await (await shopper.CheckoutAsync(new { items, addressId })).ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.Equal(preview.TotalCents, placed.TotalCents);
        await using var db = await app.OpenDbAsync();
        Assert.Equal(preview.TotalCents, await db.ExecuteScalarAsync<long>("SELECT total_cents FROM orders WHERE order_no = @No", new { No = placed.OrderNo }));

        // Paying it earns exactly the points the preview promised.
        await using (var tx = await db.BeginTransactionAsync())
        {
            await MarkPaid.ExecuteAsync(db, tx, placed.OrderNo, DateTime.UtcNow);
            await tx.CommitAsync();
        }
        Assert.Equal(preview.PointsToEarn, await db.ExecuteScalarAsync<long>("SELECT points FROM users WHERE id = @Id", new { Id = shopper.UserId }));
    }

    [Fact]
    public async Task A_cart_preview_prices_the_cart_like_a_cart_checkout()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var skus = await app.ProductAsync(stock: 10, priceCents: 2500, skus: 2);
        (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skus[0].SkuId}", new { quantity = 2 })).EnsureSuccessStatusCode();
        (await shopper.Client.PutAsJsonAsync($"/api/v1/cart/items/{skus[1].SkuId}", new { quantity = 1 })).EnsureSuccessStatusCode();

        var preview = await PreviewAsync(shopper, new { fromCart = true });
        Assert.Equal((7600, 1000, 8600), (preview.SubtotalCents, preview.ShippingFeeCents, preview.TotalCents));
        var placed = await (await shopper.CheckoutAsync(new { fromCart = true, addressId })).ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.Equal(preview.TotalCents, placed.TotalCents);

        await (await shopper.Client.PostAsJsonAsync("/api/v1/orders/preview", new { fromCart = true })).ShouldBeValidationErrorAsync("fromCart");
    }

    [Fact]
    public async Task The_preview_holds_nothing_and_reprices_from_the_catalog_not_from_the_client()
    {
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 5, priceCents: 15900, title: "全棉磨毛四件套"))[0];
        // A client that sends a price is ignored: the request has no such field and the server prices from the SKU.
        var preview = await (await shopper.Client.PostAsJsonAsync("/api/v1/orders/preview",
            new { items = new[] { new { skuId = sku.SkuId, quantity = 1, priceCents = 1 } }, priceCents = 1, totalCents = 1 })).ReadAsync<Preview>();
        Assert.Equal(15900, preview.Lines.Single().UnitPriceCents);
        Assert.Equal(15900, preview.TotalCents);
        Assert.Equal("全棉磨毛四件套", preview.Lines.Single().Title);
        Assert.Equal(new Dictionary<string, string> { ["颜色"] = "色0" }, preview.Lines.Single().Specs);
        Assert.Equal(5, preview.Lines.Single().Available);
        Assert.Equal((5, 0, 0), await app.SkuCountersAsync(sku.SkuId));
    }

    [Fact]
    public async Task Each_line_says_what_stops_it_with_a_code_and_the_available_count()
    {
        var shopper = await app.FastShopperAsync();
        var fine = (await app.ProductAsync(stock: 20, priceCents: 1000))[0];
        var scarce = (await app.ProductAsync(stock: 3, priceCents: 2000, title: "紧俏商品"))[0];
        var gone = (await app.ProductAsync(stock: 0, priceCents: 3000, title: "售罄商品"))[0];
        var hidden = (await app.ProductAsync(stock: 9, priceCents: 4000, title: "下架商品"))[0];
        var capped = (await app.ProductAsync(stock: 50, priceCents: 500))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = hidden.ProductId });

        var preview = await PreviewAsync(shopper, Items((fine.SkuId, 2), (scarce.SkuId, 5), (gone.SkuId, 1), (hidden.SkuId, 1),
            (capped.SkuId, 11), (987654321, 1)));
        Assert.False(preview.Purchasable);
        var byId = preview.Lines.ToDictionary(l => l.SkuId);
        Assert.Null(byId[fine.SkuId].Problem);

        var shortOf = byId[scarce.SkuId].Problem!;
        Assert.Equal("orders.insufficient_stock", shortOf.Code);
        Assert.Equal(3, shortOf.Args["available"].GetInt64());
        Assert.Equal(3, byId[scarce.SkuId].Available);
        Assert.Equal("Only 3 of '紧俏商品' left (5 asked).", shortOf.Message);
        Assert.Equal("orders.sold_out", byId[gone.SkuId].Problem!.Code);
        Assert.Equal("orders.off_shelf", byId[hidden.SkuId].Problem!.Code);
        Assert.Equal("orders.quantity_over_limit", byId[capped.SkuId].Problem!.Code);
        Assert.Equal(10, byId[capped.SkuId].Problem!.Args["max"].GetInt64());
        var unknown = byId[987654321];
        Assert.Equal(("orders.sku_not_found", "", 0L, 0L), (unknown.Problem!.Code, unknown.Title, unknown.UnitPriceCents, unknown.LineTotalCents));

        // The basket as a whole: 6 lines × … = 20 items is within the caps; the known lines are still priced.
        Assert.Empty(preview.Problems);
        Assert.Equal(2 * 1000 + 5 * 2000 + 3000 + 4000 + 11 * 500, preview.SubtotalCents);

        // The same words in Chinese by default.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders/preview") { Content = JsonContent.Create(Items((scarce.SkuId, 5))) };
        shopper.Client.DefaultRequestHeaders.AcceptLanguage.Clear();
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var chinese = await (await shopper.Client.SendAsync(request)).ReadAsync<Preview>();
        Assert.Equal("「紧俏商品」仅剩 3 件（需要 5 件）。", chinese.Lines.Single().Problem!.Message);
    }

    [Fact]
    public async Task Basket_caps_and_the_open_orders_cap_are_problems_of_the_basket()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var skus = await app.ProductAsync(stock: 1000, priceCents: 100, skus: 4);
        var tooMany = await PreviewAsync(shopper, new { items = skus.Select(s => new { skuId = s.SkuId, quantity = 8 }).ToArray() });
        Assert.False(tooMany.Purchasable);
        Assert.Equal("orders.too_many_items", Assert.Single(tooMany.Problems).Code);
        Assert.Equal("At most 30 items per order (32 asked).", tooMany.Problems[0].Message);

        for (var i = 0; i < 3; i++)
            (await shopper.CheckoutAsync(new { items = new[] { new { skuId = skus[i].SkuId, quantity = 1 } }, addressId })).EnsureSuccessStatusCode();
        var open = await PreviewAsync(shopper, Items((skus[3].SkuId, 1)));
        Assert.False(open.Purchasable);
        Assert.Equal("orders.too_many_open_orders", Assert.Single(open.Problems).Code);
        // Checkout refuses with the same code.
        var refused = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = skus[3].SkuId, quantity = 1 } }, addressId }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("orders.too_many_open_orders", refused.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("""{"items":[{"skuId":1,"quantity":0}]}""", "items[0].quantity")]
    [InlineData("""{"items":[{"skuId":1,"quantity":99999}]}""", "items[0].quantity")]
    [InlineData("""{"items":[{"skuId":0,"quantity":1}]}""", "items[0].skuId")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1},{"skuId":1,"quantity":2}]}""", "items")]
    [InlineData("""{"items":[]}""", "items")]
    [InlineData("""{}""", "items")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1}],"fromCart":true}""", "items")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1}],"addressId":0}""", "addressId")]
    public async Task Bad_bodies_are_400_naming_the_field(string json, string field)
    {
        var shopper = await app.FastShopperAsync();
        var response = await shopper.Client.PostAsync("/api/v1/orders/preview", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationErrorAsync(field);
    }

    [Theory]
    [InlineData("""{"items":[null]}""")]
    [InlineData("""{"items":[{"skuId":"abc","quantity":1}]}""")]
    [InlineData("""{"items":[{"skuId":1,"quantity":1}]""")]
    [InlineData("""[1,2,3]""")]
    public async Task Malformed_bodies_are_400(string json)
    {
        var shopper = await app.FastShopperAsync();
        var response = await shopper.Client.PostAsync("/api/v1/orders/preview", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Someone_elses_address_is_404_and_a_guest_is_401()
    {
        var owner = await app.FastShopperAsync();
        var addressId = await owner.AddressAsync();
        var sku = (await app.ProductAsync(stock: 5))[0];
        var stranger = await app.FastShopperAsync();
        await (await stranger.Client.PostAsJsonAsync("/api/v1/orders/preview", new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId }))
            .ShouldBeNotFoundAsync("The address");
        Assert.True((await PreviewAsync(owner, new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId })).Purchasable);

        var guest = await app.CreateClient().PostAsJsonAsync("/api/v1/orders/preview", Items((sku.SkuId, 1)));
        var problem = await guest.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("-1", "9900")]
    [InlineData("1000", "-5")]
    [InlineData("100000001", "9900")]
    public void A_negative_or_absurd_shipping_setting_refuses_to_start(string fee, string freeFrom)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orders:Shipping:FlatFeeCents"] = fee,
            ["Orders:Shipping:FreeFromCents"] = freeFrom,
        });
        builder.AddOrdersFeature();
        using var host = builder.Build();
        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<OrderOptions>());
        Assert.Contains("Orders:Shipping:FlatFeeCents", refused.Message);
    }
}

/// <summary>A shop with its own shipping settings: 12.34 per order, free from 500.00.</summary>
public sealed class DearShippingApp() : MallApp(TestHostOption.Set(("Orders:Shipping:FlatFeeCents", "1234"), ("Orders:Shipping:FreeFromCents", "50000")));

public sealed class ShippingSettingTests(DearShippingApp app) : IClassFixture<DearShippingApp>
{
    [Theory]
    [InlineData(49999, 1234)]
    [InlineData(50000, 0)]
    public async Task The_configured_fee_and_threshold_apply_to_preview_and_order_alike(long priceCents, long expectedFee)
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 5, priceCents: priceCents))[0];
        var body = new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId };
        var preview = await (await shopper.Client.PostAsJsonAsync("/api/v1/orders/preview", body)).ReadAsync<JsonElement>();
        Assert.Equal(expectedFee, preview.GetProperty("shippingFeeCents").GetInt64());
        Assert.Equal(50000, preview.GetProperty("freeShippingFromCents").GetInt64());
        Assert.Equal(priceCents + expectedFee, preview.GetProperty("totalCents").GetInt64());
        var placed = await (await shopper.CheckoutAsync(body)).ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        Assert.Equal(priceCents + expectedFee, placed.TotalCents);
    }
}
