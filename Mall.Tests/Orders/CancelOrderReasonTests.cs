using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Tests.Infrastructure;
using static Mall.Tests.Infrastructure.ShopFixtures;

namespace Mall.Tests.Orders;

/// <summary>The shopper's reason for cancelling is kept with the order and shown in both timelines; it stays optional.</summary>
public sealed class CancelOrderReasonTests(MallApp app) : IClassFixture<MallApp>
{
    private async Task<(Shopper Shopper, string OrderNo, long SkuId)> PlaceAsync()
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: 10, priceCents: 2500))[0];
        var order = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 2 } }, addressId }))
            .ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        return (shopper, order.OrderNo, sku.SkuId);
    }

    [Fact]
    public async Task A_reason_is_stored_shown_to_the_shopper_and_in_the_consoles_timeline()
    {
        var (shopper, orderNo, skuId) = await PlaceAsync();

        var cancelled = await (await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/cancel", new { reason = "  不想要了  " }))
            .ReadAsync<JsonElement>();
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("shopper", cancelled.GetProperty("cancelReason").GetString());
        Assert.Equal("不想要了", cancelled.GetProperty("cancelNote").GetString());

        var mine = await (await shopper.Client.GetAsync($"/api/v1/orders/{orderNo}")).ReadAsync<JsonElement>();
        Assert.Equal("不想要了", mine.GetProperty("cancelNote").GetString());
        await using (var db = await app.OpenDbAsync())
            Assert.Equal("不想要了", await db.ExecuteScalarAsync<string>("SELECT cancel_note FROM orders WHERE order_no = @orderNo", new { orderNo }));
        Assert.Equal((10, 0, 0), await app.SkuCountersAsync(skuId)); // the stock came back as without a reason

        var admin = await app.AdminOnceAsync();
        var detail = await (await admin.Client.GetAsync($"/api/v1/admin/orders/{orderNo}")).ReadAsync<JsonElement>();
        var cancel = detail.GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("event").GetString() == "cancelled");
        Assert.Equal("shopper", cancel.GetProperty("by").GetString());
        Assert.Equal("不想要了", cancel.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Without_a_body_or_with_a_blank_reason_it_still_cancels_and_keeps_no_note()
    {
        var (shopper, orderNo, _) = await PlaceAsync();
        var cancelled = await (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/cancel", null)).ReadAsync<JsonElement>();
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.False(cancelled.TryGetProperty("cancelNote", out var note) && note.ValueKind != JsonValueKind.Null);

        var (again, second, _) = await PlaceAsync();
        var blank = await (await again.Client.PostAsJsonAsync($"/api/v1/orders/{second}/cancel", new { reason = "   " })).ReadAsync<JsonElement>();
        Assert.Equal("Cancelled", blank.GetProperty("status").GetString());
        await using var db = await app.OpenDbAsync();
        Assert.Null(await db.ExecuteScalarAsync<string?>("SELECT cancel_note FROM orders WHERE order_no = @second", new { second }));
    }

    [Fact]
    public async Task The_document_shows_the_optional_reason_body_without_the_order_number()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();
        var body = document.GetProperty("paths").GetProperty("/api/v1/orders/{orderNo}/cancel").GetProperty("post").GetProperty("requestBody");
        Assert.False(body.TryGetProperty("required", out var required) && required.GetBoolean());
        var reference = body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.Split('/')[^1]);
        Assert.Equal(["reason"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_too_long_or_control_character_reason_is_a_field_error_and_nothing_is_cancelled()
    {
        var (shopper, orderNo, _) = await PlaceAsync();
        await (await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/cancel", new { reason = new string('长', 201) }))
            .ShouldBeValidationErrorAsync("reason");
        await (await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/cancel", new { reason = "bad\u0001reason" }))
            .ShouldBeValidationErrorAsync("reason");
        var order = await (await shopper.Client.GetAsync($"/api/v1/orders/{orderNo}")).ReadAsync<JsonElement>();
        Assert.Equal("PendingPayment", order.GetProperty("status").GetString());

        // A second cancel with a reason is refused and does not overwrite the first one's.
        await (await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/cancel", new { reason = "first" })).ReadAsync<JsonElement>();
        await (await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/cancel", new { reason = "second" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var after = await (await shopper.Client.GetAsync($"/api/v1/orders/{orderNo}")).ReadAsync<JsonElement>();
        Assert.Equal("first", after.GetProperty("cancelNote").GetString());
    }
}
