using System.Net;
using Dapper;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

public sealed class BurstTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    [Fact]
    public async Task Two_thousand_concurrent_attempts_on_stock_100_create_exactly_100_orders_and_no_drift()
    {
        const int stock = 100;
        var activity = await app.CreateActivityAsync(stock, limitPerUser: 1);
        var buyers = await app.InsertBuyersAsync(1000);
        // 250 users try once, 500 twice, 250 three times: 2,000 attempts, each with its own one-time token.
        var attempts = buyers.SelectMany((b, i) => Enumerable.Repeat(b, i < 250 ? 1 : i < 750 ? 2 : 3)).ToList();
        Assert.Equal(2000, attempts.Count);
        var client = app.CreateClient();
        var tokens = await Task.WhenAll(attempts.Select(b => client.TokenAsync(b, activity)));

        var responses = await Task.WhenAll(attempts.Select((b, i) => client.AttemptAsync(b, activity, tokens[i])));

        var statuses = responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(stock, statuses[HttpStatusCode.Accepted]);
        Assert.All(statuses.Keys, s => Assert.Contains(s, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict, HttpStatusCode.Gone }));
        var accepted = new List<string>();
        for (var i = 0; i < responses.Length; i++)
            if (responses[i].StatusCode == HttpStatusCode.Accepted)
                accepted.Add((await responses[i].ReadAsync<SeckillKit.ReservationBody>(HttpStatusCode.Accepted)).ReservationId);

        await app.WaitForOrdersAsync(activity, stock);
        await using var db = await app.OpenDbAsync();
        var written = (await db.QueryAsync<string>("SELECT reservation_id FROM orders WHERE activity_id = @Id", new { Id = activity })).ToHashSet();
        Assert.True(written.SetEquals(accepted), "every 202 has exactly one order");
        Assert.Equal(0, await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT user_id FROM orders WHERE activity_id = @Id GROUP BY user_id HAVING COUNT(*) > 1) x", new { Id = activity }));
        Assert.Equal(stock, await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.activity_id = @Id", new { Id = activity }));
        Assert.Equal(0, await app.RedisStockAsync(activity));

        SeckillKit.ReconcileBody reconcile = null!;
        await Http.EventuallyAsync(async () => (reconcile = await app.ReconcileAsync(activity)).PendingReservations == 0);
        Assert.Equal(new SeckillKit.ReconcileBody(stock, 0, 0, stock, 0, 0), reconcile);
    }
}
