using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Mall.Features.Orders.Expiry;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Orders;

/// <summary>The background sweep is off and batches are small (3); tests move the clock and run the sweep themselves.</summary>
public sealed class SmallBatchExpiryApp() : MallApp(TestHost.FakeClock, TestHost.ManualOrderExpiry, SmallBatches)
{
    public const int BatchSize = 3;
    private static readonly TestHostOption SmallBatches = TestHostOption.Set(("Orders:ExpiryBatchSize", BatchSize.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>
/// Poison rows: due orders whose stock release the database refuses (skus.locked below the order's quantity, which
/// ck_skus_stock forbids going under zero — an inconsistent counter, as on a badly seeded bench database).
/// </summary>
public sealed class ExpiryPoisonTests(SmallBatchExpiryApp app) : IClassFixture<SmallBatchExpiryApp>
{
    private OrderExpiry Expiry => app.Service<OrderExpiry>();

    private async Task<string> StatusAsync(string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<string>("SELECT CONCAT(status, '/', COALESCE(cancel_reason, '')) FROM orders WHERE order_no = @OrderNo",
            new { OrderNo = orderNo }) ?? "";
    }

    private async Task SetLockedAsync(long skuId, int locked)
    {
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("UPDATE skus SET locked = @Locked WHERE id = @Id", new { Locked = locked, Id = skuId });
    }

    /// <summary>mall_expiry_failures_total{kind="normal"} as /metrics shows it (process-wide).</summary>
    private async Task<double> FailuresAsync()
    {
        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        var match = Regex.Match(metrics, "^mall_expiry_failures_total\\{kind=\"normal\"\\} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task A_poisoned_order_fails_alone_the_others_expire_once_and_it_heals_after_the_retry_period()
    {
        var now = app.FakeClock!.GetUtcNow().UtcDateTime;
        var healthySku = (await app.ProductAsync(stock: 30))[0];
        var poisonSku = (await app.ProductAsync(stock: 30))[0];
        var user = await app.FastShopperAsync();
        // The poisoned order is the oldest, so it is in the first batch, with two healthy ones.
        var poisoned = await SqlOrders.InsertAsync(app, user.UserId, poisonSku, 2, "normal", now.AddSeconds(-60));
        var healthy = new List<string>();
        for (var i = 0; i < 5; i++) healthy.Add(await SqlOrders.InsertAsync(app, user.UserId, healthySku, 2, "normal", now.AddSeconds(-50 + i)));
        await SetLockedAsync(poisonSku.SkuId, 1); // releasing 2 would take it below zero: the database refuses
        Assert.Equal(10, (await app.SkuCountersAsync(healthySku.SkuId)).Locked);
        var failuresBefore = await FailuresAsync();

        Assert.Equal(5, await Expiry.SweepAsync(CancellationToken.None));

        foreach (var orderNo in healthy) Assert.Equal("Cancelled/expired", await StatusAsync(orderNo));
        Assert.Equal(0, (await app.SkuCountersAsync(healthySku.SkuId)).Locked);
        Assert.Equal("PendingPayment/", await StatusAsync(poisoned));
        Assert.Equal(1, (await app.SkuCountersAsync(poisonSku.SkuId)).Locked);
        Assert.Equal(failuresBefore + 1, await FailuresAsync());

        // The next sweeps leave it alone (no second attempt, no second log line) and release nothing twice.
        Assert.Equal(0, await Expiry.SweepAsync(CancellationToken.None));
        Assert.Equal(failuresBefore + 1, await FailuresAsync());
        Assert.Equal(0, (await app.SkuCountersAsync(healthySku.SkuId)).Locked);

        // Someone mends the counter; after the retry period the order expires like any other.
        await SetLockedAsync(poisonSku.SkuId, 2);
        Assert.Equal(0, await Expiry.SweepAsync(CancellationToken.None)); // still resting
        app.FakeClock.Advance(PoisonedOrders.RetryAfter);
        Assert.Equal(1, await Expiry.SweepAsync(CancellationToken.None));
        Assert.Equal("Cancelled/expired", await StatusAsync(poisoned));
        Assert.Equal(0, (await app.SkuCountersAsync(poisonSku.SkuId)).Locked);
        Assert.Equal(failuresBefore + 1, await FailuresAsync());
    }

    [Fact]
    public async Task More_poisoned_orders_than_a_batch_do_not_stop_the_healthy_ones_behind_them()
    {
        var now = app.FakeClock!.GetUtcNow().UtcDateTime;
        var healthySku = (await app.ProductAsync(stock: 30))[0];
        var poisonSku = (await app.ProductAsync(stock: 30))[0];
        var user = await app.FastShopperAsync();
        const int poisonCount = SmallBatchExpiryApp.BatchSize + 1;
        var poisoned = new List<string>();
        for (var i = 0; i < poisonCount; i++) poisoned.Add(await SqlOrders.InsertAsync(app, user.UserId, poisonSku, 2, "normal", now.AddSeconds(-60 + i)));
        var healthy = new List<string>();
        for (var i = 0; i < 3; i++) healthy.Add(await SqlOrders.InsertAsync(app, user.UserId, healthySku, 1, "normal", now.AddSeconds(-30 + i)));
        await SetLockedAsync(poisonSku.SkuId, 1); // each poisoned order alone would take it below zero
        var failuresBefore = await FailuresAsync();

        Assert.Equal(3, await Expiry.SweepAsync(CancellationToken.None));

        foreach (var orderNo in healthy) Assert.Equal("Cancelled/expired", await StatusAsync(orderNo));
        Assert.Equal(0, (await app.SkuCountersAsync(healthySku.SkuId)).Locked);
        foreach (var orderNo in poisoned) Assert.Equal("PendingPayment/", await StatusAsync(orderNo));
        Assert.Equal(1, (await app.SkuCountersAsync(poisonSku.SkuId)).Locked);
        Assert.Equal(failuresBefore + poisonCount, await FailuresAsync());

        // A healthy order due later is not held up by the resting ones either.
        var later = await SqlOrders.InsertAsync(app, user.UserId, healthySku, 1, "normal", now.AddSeconds(-1));
        Assert.Equal(1, await Expiry.SweepAsync(CancellationToken.None));
        Assert.Equal("Cancelled/expired", await StatusAsync(later));
        Assert.Equal(failuresBefore + poisonCount, await FailuresAsync());

        // Mended, they all expire after the retry period, each releasing its 2 units once.
        await SetLockedAsync(poisonSku.SkuId, 2 * poisonCount);
        app.FakeClock.Advance(PoisonedOrders.RetryAfter);
        Assert.Equal(poisonCount, await Expiry.SweepAsync(CancellationToken.None));
        foreach (var orderNo in poisoned) Assert.Equal("Cancelled/expired", await StatusAsync(orderNo));
        Assert.Equal(0, (await app.SkuCountersAsync(poisonSku.SkuId)).Locked);
        Assert.Equal(0, (await app.SkuCountersAsync(healthySku.SkuId)).Locked);
    }
}
