using Dapper;
using Mall.Features.Orders.Expiry;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Orders;

/// <summary>The background sweep is off; tests move the clock and run the sweep themselves.</summary>
public sealed class ManualExpiryApp() : MallApp(TestHost.FakeClock, TestHost.ManualOrderExpiry);

public sealed class OrderExpiryTests(ManualExpiryApp app) : IClassFixture<ManualExpiryApp>
{
    private OrderExpiry Expiry => app.Service<OrderExpiry>();

    private async Task<string> StatusAsync(string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<string>("SELECT CONCAT(status, '/', COALESCE(cancel_reason, '')) FROM orders WHERE order_no = @OrderNo",
            new { OrderNo = orderNo }) ?? "";
    }

    [Fact]
    public async Task Due_normal_orders_expire_and_release_stock_once_even_with_racing_sweepers()
    {
        var now = app.FakeClock!.GetUtcNow().UtcDateTime;
        var sku = (await app.ProductAsync(stock: 30))[0];
        var user = await app.FastShopperAsync();
        var due = new List<string>();
        for (var i = 0; i < 5; i++) due.Add(await SqlOrders.InsertAsync(app, user.UserId, sku, 2, "normal", now.AddSeconds(-1)));
        var notYet = await SqlOrders.InsertAsync(app, user.UserId, sku, 3, "normal", now.AddMinutes(5));
        var seckill = await SqlOrders.InsertAsync(app, user.UserId, sku, 4, "seckill", now.AddSeconds(-1));
        Assert.Equal(17, (await app.SkuCountersAsync(sku.SkuId)).Locked);

        // Several instances sweeping at once: SKIP LOCKED splits the work, the status CAS prevents doubles.
        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Expiry.SweepAsync(CancellationToken.None)));
        Assert.Equal(5, counts.Sum());
        foreach (var orderNo in due) Assert.Equal("Cancelled/expired", await StatusAsync(orderNo));
        Assert.Equal("PendingPayment/", await StatusAsync(notYet));
        Assert.Equal("PendingPayment/", await StatusAsync(seckill));
        Assert.Equal(7, (await app.SkuCountersAsync(sku.SkuId)).Locked);

        Assert.Equal(0, await Expiry.SweepAsync(CancellationToken.None));
        Assert.Equal(7, (await app.SkuCountersAsync(sku.SkuId)).Locked);

        app.FakeClock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await Expiry.SweepAsync(CancellationToken.None));
        Assert.Equal("Cancelled/expired", await StatusAsync(notYet));
        Assert.Equal(4, (await app.SkuCountersAsync(sku.SkuId)).Locked); // only the seckill order's hold remains
    }

    [Fact]
    public async Task Idempotency_keys_are_forgotten_after_the_retention_period()
    {
        var now = app.FakeClock!.GetUtcNow().UtcDateTime;
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("""
            INSERT INTO idempotency_keys (user_id, idem_key, request_hash, order_no, response, created_at)
            VALUES (1, 'old-key-123', 'h', '1', '{}', @Old), (1, 'new-key-123', 'h', '2', '{}', @New)
            """, new { Old = now.AddDays(-8), New = now.AddDays(-1) });
        Assert.Equal(1, await Expiry.PurgeIdempotencyKeysAsync(CancellationToken.None));
        Assert.Equal("new-key-123", await db.ExecuteScalarAsync<string>("SELECT idem_key FROM idempotency_keys"));
    }
}
