using System.Net;
using Dapper;
using Mall.Features.Orders.Expiry;
using static Mall.Tests.Infrastructure.ShopFixtures;

namespace Mall.Tests.Orders;

public sealed class CheckoutConcurrencyTests(ManualExpiryApp app) : IClassFixture<ManualExpiryApp>
{
    [Fact]
    public async Task Fifty_parallel_checkouts_for_ten_in_stock_make_exactly_ten_orders_and_expiry_returns_all_stock()
    {
        var sku = (await app.ProductAsync(stock: 10, priceCents: 9900))[0];
        var shoppers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            var shopper = await app.FastShopperAsync();
            return (Shopper: shopper, AddressId: await shopper.AddressAsync());
        }));

        // Watch availability from the side while the checkouts run.
        using var stop = new CancellationTokenSource();
        var lowestAvailable = int.MaxValue;
        var watcher = Task.Run(async () =>
        {
            await using var db = await app.OpenDbAsync();
            while (!stop.IsCancellationRequested)
                lowestAvailable = Math.Min(lowestAvailable,
                    await db.ExecuteScalarAsync<int>("SELECT stock - locked - sold FROM skus WHERE id = @Id", new { Id = sku.SkuId }));
        });

        var responses = await Task.WhenAll(shoppers.Select(s =>
            s.Shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId = s.AddressId })));
        await stop.CancelAsync();
        await watcher;

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.True(lowestAvailable >= 0, $"available went to {lowestAvailable}");

        await using var db = await app.OpenDbAsync();
        const string liveQuantity = """
            SELECT CAST(COALESCE(SUM(i.quantity), 0) AS SIGNED) FROM order_items i JOIN orders o ON o.id = i.order_id
            WHERE i.sku_id = @Id AND o.status = 'PendingPayment'
            """;
        Assert.Equal(10, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders"));
        Assert.Equal((10, 10, 0), await app.SkuCountersAsync(sku.SkuId));
        Assert.Equal(10, await db.ExecuteScalarAsync<long>(liveQuantity, new { Id = sku.SkuId }));

        app.FakeClock!.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(10, await app.Service<OrderExpiry>().SweepAsync(CancellationToken.None));
        Assert.Equal((10, 0, 0), await app.SkuCountersAsync(sku.SkuId));
        Assert.Equal(0, await db.ExecuteScalarAsync<long>(liveQuantity, new { Id = sku.SkuId }));
        Assert.Equal(10, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE status = 'Cancelled' AND cancel_reason = 'expired'"));
    }
}
