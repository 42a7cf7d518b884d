using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Features.Orders;
using Mall.Tests.Infrastructure;
using static Mall.Tests.Infrastructure.ShopFixtures;

namespace Mall.Tests.Orders;

public sealed class OrderLifecycleTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Detail(string OrderNo, string Status, long TotalCents, string? CancelReason, DateTime CreatedAt, DateTime? PaidAt,
        DateTime? ShippedAt, DateTime? CompletedAt, DateTime? CancelledAt, long? UserId);
    private sealed record Summary(string OrderNo, string Status, long TotalCents, int ItemCount, long? UserId);
    private sealed record OrderPage(Summary[] Items, int Page, int PageSize, long Total);

    private async Task<(Shopper Shopper, TestSku Sku, PlacedOrder Order)> PlaceAsync(int quantity = 2, int stock = 20)
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var sku = (await app.ProductAsync(stock: stock, priceCents: 5050))[0];
        var order = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity } }, addressId }))
            .ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        return (shopper, sku, order);
    }

    private async Task<MarkPaidResult> PayAsync(string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        await using var tx = await db.BeginTransactionAsync();
        var result = await MarkPaid.ExecuteAsync(db, tx, orderNo, DateTime.UtcNow);
        await tx.CommitAsync();
        return result;
    }

    [Fact]
    public async Task Cancel_releases_the_held_stock_exactly_once()
    {
        var (shopper, sku, order) = await PlaceAsync(quantity: 3);
        Assert.Equal(3, (await app.SkuCountersAsync(sku.SkuId)).Locked);
        var cancelled = await (await shopper.Client.PostAsync($"/api/v1/orders/{order.OrderNo}/cancel", null)).ReadAsync<Detail>();
        Assert.Equal("Cancelled", cancelled.Status);
        Assert.Equal("shopper", cancelled.CancelReason);
        Assert.NotNull(cancelled.CancelledAt);
        Assert.Equal((20, 0, 0), await app.SkuCountersAsync(sku.SkuId));

        var twice = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => shopper.Client.PostAsync($"/api/v1/orders/{order.OrderNo}/cancel", null)));
        foreach (var r in twice) await r.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal((20, 0, 0), await app.SkuCountersAsync(sku.SkuId));
        Assert.Equal(MarkPaidOutcome.NotPayable, (await PayAsync(order.OrderNo)).Outcome);
    }

    [Fact]
    public async Task Paid_then_shipped_then_received_records_each_step()
    {
        var (shopper, sku, order) = await PlaceAsync();
        var admin = await app.AdminAsync();
        await (await shopper.Client.PostAsync($"/api/v1/orders/{order.OrderNo}/receipt", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.ShipAsync(order.OrderNo)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(MarkPaidOutcome.Paid, (await PayAsync(order.OrderNo)).Outcome);
        await (await shopper.Client.PostAsync($"/api/v1/orders/{order.OrderNo}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await shopper.ShipAsync(order.OrderNo)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var shipped = await (await admin.ShipAsync(order.OrderNo)).ReadAsync<Detail>();
        Assert.Equal("Shipped", shipped.Status);
        await (await admin.ShipAsync(order.OrderNo)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var stranger = await app.FastShopperAsync();
        await (await stranger.Client.PostAsync($"/api/v1/orders/{order.OrderNo}/receipt", null)).ShouldBeNotFoundAsync("The order");
        var completed = await (await shopper.Client.PostAsync($"/api/v1/orders/{order.OrderNo}/receipt", null)).ReadAsync<Detail>();
        Assert.Equal("Completed", completed.Status);
        Assert.True(completed.CreatedAt <= completed.PaidAt && completed.PaidAt <= completed.ShippedAt && completed.ShippedAt <= completed.CompletedAt);
        Assert.Null(completed.CancelledAt);
        Assert.Equal((20, 0, 2), await app.SkuCountersAsync(sku.SkuId));
    }

    [Fact]
    public async Task Orders_are_visible_to_their_owner_and_admins_only()
    {
        var (owner, _, order) = await PlaceAsync();
        var stranger = await app.FastShopperAsync();
        await (await stranger.Client.GetAsync($"/api/v1/orders/{order.OrderNo}")).ShouldBeNotFoundAsync("The order");
        await (await stranger.Client.PostAsync($"/api/v1/orders/{order.OrderNo}/cancel", null)).ShouldBeNotFoundAsync("The order");
        Assert.Equal(0, (await (await stranger.Client.GetAsync("/api/v1/orders")).ReadAsync<OrderPage>()).Total);
        await (await stranger.Client.GetAsync("/api/v1/admin/orders")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        var mine = await (await owner.Client.GetAsync("/api/v1/orders?status=PendingPayment")).ReadAsync<OrderPage>();
        Assert.Equal(order.OrderNo, mine.Items.Single().OrderNo);
        Assert.Null(mine.Items.Single().UserId);
        Assert.Equal(0, (await (await owner.Client.GetAsync("/api/v1/orders?status=Paid")).ReadAsync<OrderPage>()).Total);

        var admin = await app.AdminAsync();
        var all = await (await admin.Client.GetAsync("/api/v1/admin/orders?status=PendingPayment&pageSize=100")).ReadAsync<OrderPage>();
        Assert.Equal(owner.UserId, all.Items.Single(o => o.OrderNo == order.OrderNo).UserId);
        var seen = await (await admin.Client.GetAsync($"/api/v1/orders/{order.OrderNo}")).ReadAsync<Detail>();
        Assert.Equal(owner.UserId, seen.UserId);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123")]
    [InlineData("2026112508153012345678901234567890")]
    public async Task Malformed_order_numbers_are_400(string orderNo)
    {
        var shopper = await app.FastShopperAsync();
        await (await shopper.Client.GetAsync($"/api/v1/orders/{orderNo}")).ShouldBeValidationErrorAsync("orderNo");
        await (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/cancel", null)).ShouldBeValidationErrorAsync("orderNo");
    }

    [Theory]
    [InlineData("status=Lost")]
    [InlineData("pageSize=500")]
    [InlineData("page=0")]
    public async Task Bad_order_list_queries_are_400(string query)
    {
        var shopper = await app.FastShopperAsync();
        await (await shopper.Client.GetAsync($"/api/v1/orders?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task MarkPaid_moves_stock_to_sold_grants_points_once_and_ignores_duplicates()
    {
        var (shopper, sku, order) = await PlaceAsync(quantity: 3); // 3 × 50.50 = 151.50 yuan → 151 points
        var paid = await PayAsync(order.OrderNo);
        Assert.Equal(MarkPaidOutcome.Paid, paid.Outcome);
        Assert.Equal(15150, paid.TotalCents);
        Assert.Equal((20, 0, 3), await app.SkuCountersAsync(sku.SkuId));

        var duplicates = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PayAsync(order.OrderNo)));
        Assert.All(duplicates, d => Assert.Equal(MarkPaidOutcome.AlreadyPaid, d.Outcome));
        Assert.Equal((20, 0, 3), await app.SkuCountersAsync(sku.SkuId));

        await using var db = await app.OpenDbAsync();
        Assert.Equal(151, await db.ExecuteScalarAsync<long>("SELECT points FROM users WHERE id = @Id", new { Id = shopper.UserId }));
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM points_ledger WHERE user_id = @Id", new { Id = shopper.UserId }));
        Assert.Equal(3, await db.ExecuteScalarAsync<long>("SELECT sales FROM products WHERE id = @Id", new { Id = sku.ProductId }));
        var me = await (await shopper.Client.GetAsync("/api/v1/orders/" + order.OrderNo)).ReadAsync<Detail>();
        Assert.Equal("Paid", me.Status);
        Assert.NotNull(me.PaidAt);

        Assert.Equal(MarkPaidOutcome.NotFound, (await PayAsync("20990101000000000000000")).Outcome);
    }

    [Fact]
    public async Task Cancelling_a_seckill_order_leaves_the_sku_lock_to_the_activity_and_marks_the_unit_for_return()
    {
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 5))[0];
        var orderNo = await SqlOrders.InsertAsync(app, shopper.UserId, sku, 1, "seckill", DateTime.UtcNow.AddMinutes(10));
        var cancelled = await (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/cancel", null)).ReadAsync<JsonElement>();
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(1, (await app.SkuCountersAsync(sku.SkuId)).Locked);
        await using var db = await app.OpenDbAsync();
        Assert.True(await db.ExecuteScalarAsync<bool>("SELECT stock_return_pending FROM orders WHERE order_no = @OrderNo", new { OrderNo = orderNo }));
        var listed = await (await shopper.Client.GetAsync("/api/v1/orders")).ReadAsync<JsonElement>();
        Assert.Equal("seckill", listed.GetProperty("items")[0].GetProperty("kind").GetString());
    }
}

/// <summary>Orders written straight to the database (as another feature, or time, would leave them).</summary>
public static class SqlOrders
{
    public static async Task<string> InsertAsync(MallApp app, long userId, TestSku sku, int quantity, string kind, DateTime expiresAt)
    {
        var orderNo = DateTime.UtcNow.ToString("yyyyMMddHHmmssfff") + Random.Shared.Next(0, 1_000_000).ToString("D6");
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("""
            UPDATE skus SET locked = locked + @Quantity WHERE id = @SkuId;
            INSERT INTO orders (order_no, user_id, kind, status, total_cents, created_at, updated_at, expires_at)
            VALUES (@OrderNo, @UserId, @Kind, 'PendingPayment', @Total, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), @ExpiresAt);
            INSERT INTO order_items (order_id, sku_id, product_id, title, specs, image, price_cents, quantity)
            VALUES (LAST_INSERT_ID(), @SkuId, @ProductId, 't', '{}', '', @Price, @Quantity);
            """, new { OrderNo = orderNo, UserId = userId, Kind = kind, Total = sku.PriceCents * quantity, ExpiresAt = expiresAt,
                       sku.SkuId, sku.ProductId, Price = sku.PriceCents, Quantity = quantity });
        return orderNo;
    }
}
