using Dapper;
using Mall.Features.Orders;
using Mall.Features.Seckill;
using Mall.Features.Seckill.CloseOut;
using Mall.Features.Seckill.Expiry;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

public sealed class CloseOutTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    [Fact]
    public async Task An_ended_activity_gives_its_unsold_units_back_to_the_sku_once_every_order_is_settled()
    {
        await app.CachedAdminAsync();
        var (payer, expirer) = (await app.BuyerAsync(), await app.BuyerAsync());
        var client = app.CreateClient();
        var activity = await app.CreateActivityAsync(stock: 3, endsAt: DateTimeOffset.UtcNow.AddSeconds(3));
        var paid = await client.BuyAsync(payer, activity);
        var unpaid = await client.BuyAsync(expirer, activity);
        await app.WaitForOrdersAsync(activity, 2);

        await using var db = await app.OpenDbAsync();
        await using (var transaction = await db.BeginTransactionAsync())
        {
            var orderNo = await db.ExecuteScalarAsync<string>("SELECT order_no FROM orders WHERE reservation_id = @Id", new { Id = paid }, transaction);
            Assert.Equal(MarkPaidOutcome.Paid, (await MarkPaid.ExecuteAsync(db, transaction, orderNo!, DateTime.UtcNow)).Outcome);
            await transaction.CommitAsync();
        }
        await Http.EventuallyAsync(async () => await app.CountAsync(
            "SELECT COUNT(*) FROM seckill_activities WHERE id = @Id AND ends_at <= UTC_TIMESTAMP(3)", new { Id = activity }) == 1);

        var closeOut = app.Service<SeckillCloseOut>();
        await closeOut.CloseEndedAsync(CancellationToken.None);
        Assert.Equal(0, await app.CountAsync("SELECT COUNT(*) FROM seckill_activities WHERE id = @Id AND closed_at IS NOT NULL", new { Id = activity }));

        // The unpaid order expires; its unit goes back to the activity, and only then can the activity close.
        await db.ExecuteAsync("UPDATE orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE reservation_id = @Id", new { Id = unpaid });
        await app.Service<SeckillExpiry>().ExpireDueAsync(CancellationToken.None);
        Assert.Equal(2, await app.RedisStockAsync(activity));
        await closeOut.CloseEndedAsync(CancellationToken.None);
        await closeOut.CloseEndedAsync(CancellationToken.None);

        var sku = await db.QuerySingleAsync<(int Locked, int Sold)>(
            "SELECT s.locked, s.sold FROM skus s JOIN seckill_activities a ON a.sku_id = s.id WHERE a.id = @Id", new { Id = activity });
        Assert.Equal((0, 1), sku);
        Assert.Equal(0, await app.RedisStockAsync(activity));
        Assert.Equal(new SeckillKit.ReconcileBody(3, 0, 0, 1, 2, 0), await app.ReconcileAsync(activity));

        // Settled, the activity needs nothing from Redis: its keys expire after Seckill:Lookback.
        var keys = new ActivityKeys(activity);
        foreach (var key in new[] { keys.Meta, keys.Stock, keys.Buyers, keys.Returned })
        {
            var ttl = await app.Redis.KeyTimeToLiveAsync(key);
            Assert.True(ttl > TimeSpan.FromHours(23) && ttl <= TimeSpan.FromDays(1), $"{key}: {ttl}");
        }
        // Once they are gone, the shop still tells the same story from MySQL.
        await app.Redis.KeyDeleteAsync([keys.Meta, keys.Stock, keys.Buyers, keys.Log, keys.Returned]);
        Assert.Equal(new SeckillKit.ReconcileBody(3, 0, 0, 1, 2, 0), await app.ReconcileAsync(activity));
        var shown = await (await client.GetAsync($"/api/v1/seckill/activities/{activity}")).ReadAsync<ShownActivity>();
        Assert.Equal((0L, "Ended"), (shown.StockLeft, shown.Status));
    }

    private sealed record ShownActivity(long StockLeft, string Status);
}
