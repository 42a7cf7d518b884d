using System.Net;
using Dapper;
using Mall.Features.Seckill.Expiry;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

public sealed class ShopperCancelTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Cancelling_an_unpaid_seckill_order_gives_the_unit_back_to_the_activity_for_someone_else()
    {
        var activity = await app.CreateActivityAsync(stock: 1, limitPerUser: 1);
        var buyer = await app.BuyerAsync();
        var reservation = await _client.BuyAsync(buyer, activity);
        await app.WaitForOrdersAsync(activity, 1);
        await using var db = await app.OpenDbAsync();
        var orderNo = await db.ExecuteScalarAsync<string>("SELECT order_no FROM orders WHERE reservation_id = @Id", new { Id = reservation });

        var cancel = await _client.SendAsync(buyer, HttpMethod.Post, $"/api/v1/orders/{orderNo}/cancel");
        Assert.True(cancel.StatusCode == HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
        await (await _client.SendAsync(buyer, HttpMethod.Post, $"/api/v1/orders/{orderNo}/cancel")).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        await app.Service<SeckillExpiry>().ExpireDueAsync(CancellationToken.None);
        Assert.Equal(1, await app.RedisStockAsync(activity));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>(
            "SELECT s.locked FROM skus s JOIN seckill_activities a ON a.sku_id = s.id WHERE a.id = @Id", new { Id = activity }));
        Assert.Equal(("Cancelled", "shopper", false), await db.QuerySingleAsync<(string, string, bool)>(
            "SELECT status, cancel_reason, stock_return_pending FROM orders WHERE order_no = @OrderNo", new { OrderNo = orderNo }));
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);

        // The unit is for someone else now: the shopper's allowance stays spent (a bot cannot hold, drop and re-grab).
        await (await _client.AttemptAsync(buyer, activity, await _client.TokenAsync(buyer, activity)))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await _client.BuyAsync(await app.BuyerAsync(), activity);
        await app.WaitForOrdersAsync(activity, 2);
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);
    }
}
