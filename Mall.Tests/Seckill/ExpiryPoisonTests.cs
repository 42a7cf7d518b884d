using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Mall.Features.Seckill;
using Mall.Features.Seckill.Expiry;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>Seckill with the expiry pass run by the tests themselves, three orders per batch, pushes recorded.</summary>
public sealed class SmallBatchSeckillApp() : MallApp(TestHost.Seckill, SmallBatches, TestHost.RecordedPushes)
{
    public const int BatchSize = 3;
    private static readonly TestHostOption SmallBatches = TestHostOption.Set(("Seckill:Expiry:BatchSize", BatchSize.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>Poison rows in the seckill expiry pass: each fails alone, the other units go back to their activity once.</summary>
public sealed class ExpiryPoisonTests(SmallBatchSeckillApp app) : IClassFixture<SmallBatchSeckillApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private SeckillExpiry Expiry => app.Service<SeckillExpiry>();

    private sealed record OrderRow(long Id, string? ReservationId, string Status, bool StockReturnPending);

    /// <summary>An activity whose <paramref name="count"/> units were each bought by another buyer, written as orders and now due.</summary>
    private async Task<(long Activity, List<OrderRow> Orders)> DueOrdersAsync(int count)
    {
        var activity = await app.CreateActivityAsync(stock: count);
        foreach (var buyer in await app.InsertBuyersAsync(count)) await _client.BuyAsync(buyer, activity);
        await app.WaitForOrdersAsync(activity, count);
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("UPDATE orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE activity_id = @Id", new { Id = activity });
        Assert.Equal(0, await app.RedisStockAsync(activity));
        return (activity, await OrdersAsync(activity));
    }

    private async Task<List<OrderRow>> OrdersAsync(long activity)
    {
        await using var db = await app.OpenDbAsync();
        return (await db.QueryAsync<OrderRow>(
            "SELECT id AS Id, reservation_id AS ReservationId, status AS Status, stock_return_pending AS StockReturnPending FROM orders WHERE activity_id = @Id ORDER BY id", new { Id = activity })).ToList();
    }

    private Task<long> ReturnedMarkersAsync(long activity) => app.Redis.SetLengthAsync($"sk:{{a{activity}}}:returned");

    /// <summary>mall_expiry_failures_total{kind="seckill"} as /metrics shows it (process-wide).</summary>
    private async Task<double> FailuresAsync()
    {
        var metrics = await _client.GetStringAsync("/metrics");
        var match = Regex.Match(metrics, "^mall_expiry_failures_total\\{kind=\"seckill\"\\} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task One_pass_expires_every_due_order_batch_after_batch_and_gives_every_unit_back()
    {
        var count = 2 * SmallBatchSeckillApp.BatchSize + 1; // a sale's unpaid orders fall due together
        var (activity, _) = await DueOrdersAsync(count);

        Assert.Equal(count, await Expiry.ExpireDueAsync(CancellationToken.None));

        Assert.All(await OrdersAsync(activity), o => Assert.Equal(("Cancelled", false), (o.Status, o.StockReturnPending)));
        Assert.Equal(count, await app.RedisStockAsync(activity));
        Assert.Equal(count, await ReturnedMarkersAsync(activity));
        Assert.Equal(0, await Expiry.ExpireDueAsync(CancellationToken.None));
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);
    }

    [Fact]
    public async Task A_pass_over_its_budget_stops_after_a_batch_and_the_next_goes_on_where_it_stopped()
    {
        var count = 2 * SmallBatchSeckillApp.BatchSize + 1;
        var (activity, _) = await DueOrdersAsync(count);
        // This fixture's passes are run by its tests only, so its options can be changed for one test.
        var expiry = app.Service<SeckillOptions>().Expiry;
        var budget = expiry.PassBudget;
        expiry.PassBudget = TimeSpan.Zero;
        try
        {
            var passes = new List<int>();
            while (passes.Sum() < count && passes.Count < 10) passes.Add(await Expiry.ExpireDueAsync(CancellationToken.None));

            // Each pass did one batch of each kind, then stopped (rows of the other tests may share a batch): the units
            // came back over three passes at least, each once.
            Assert.All(passes, returned => Assert.InRange(returned, 0, SmallBatchSeckillApp.BatchSize));
            Assert.Equal(count, passes.Sum());
            Assert.True(passes.Count >= 3, $"{passes.Count} passes");
            Assert.Equal(count, await app.RedisStockAsync(activity));
            Assert.Equal(count, await ReturnedMarkersAsync(activity));
        }
        finally
        {
            expiry.PassBudget = budget;
        }
    }

    [Fact]
    public async Task A_return_without_reservation_id_and_a_cancel_the_database_refuses_fail_alone_in_the_same_pass()
    {
        var (activity, orders) = await DueOrdersAsync(SmallBatchSeckillApp.BatchSize);
        var noReservation = orders[0];
        var refused = orders[1];
        var healthy = orders[2];
        await using (var db = await app.OpenDbAsync())
        {
            await db.ExecuteAsync("UPDATE orders SET reservation_id = NULL WHERE id = @Id", new { noReservation.Id });
            // The database itself refuses to cancel this one (a trigger standing in for any error tied to the row).
            await db.ExecuteAsync($"""
                CREATE TRIGGER refuse_expiry_{refused.Id} BEFORE UPDATE ON orders FOR EACH ROW
                BEGIN
                  IF OLD.id = {refused.Id} AND NEW.status = 'Cancelled' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF;
                END
                """);
        }
        try
        {
            var failuresBefore = await FailuresAsync();

            Assert.Equal(1, await Expiry.ExpireDueAsync(CancellationToken.None));

            var after = await OrdersAsync(activity);
            Assert.Equal(("Cancelled", false), (after[2].Status, after[2].StockReturnPending)); // the healthy one: back
            Assert.Equal(("Cancelled", true), (after[0].Status, after[0].StockReturnPending));  // cancelled, its return failed
            Assert.Equal(("PendingPayment", false), (after[1].Status, after[1].StockReturnPending)); // its cancel failed
            Assert.Equal(1, await app.RedisStockAsync(activity));
            Assert.True(await app.Redis.SetContainsAsync($"sk:{{a{activity}}}:returned", healthy.ReservationId!));
            Assert.Equal(1, await ReturnedMarkersAsync(activity));
            Assert.Equal(failuresBefore + 2, await FailuresAsync());

            // Later passes leave both alone for the retry period (no new attempt, no new count) and return nothing twice.
            Assert.Equal(0, await Expiry.ExpireDueAsync(CancellationToken.None));
            Assert.Equal(0, await Expiry.ExpireDueAsync(CancellationToken.None));
            Assert.Equal(1, await app.RedisStockAsync(activity));
            Assert.Equal(failuresBefore + 2, await FailuresAsync());
            Assert.Equal(after, await OrdersAsync(activity));
        }
        finally
        {
            await using var db = await app.OpenDbAsync();
            await db.ExecuteAsync($"DROP TRIGGER IF EXISTS refuse_expiry_{refused.Id}");
        }
    }

    [Fact]
    public async Task More_poisoned_returns_than_a_batch_do_not_keep_the_healthy_ones_from_their_activity()
    {
        // Every return of the first activity fails in Redis (its marker set is a string: WRONGTYPE in ReturnStock.lua);
        // its orders come first by id. The second activity's units must still go back, once each.
        var poisonCount = SmallBatchSeckillApp.BatchSize + 1;
        var (poisonedActivity, _) = await DueOrdersAsync(poisonCount);
        var (healthyActivity, healthyOrders) = await DueOrdersAsync(2);
        await app.Redis.StringSetAsync($"sk:{{a{poisonedActivity}}}:returned", "not a set");
        try
        {
            var failuresBefore = await FailuresAsync();

            var returned = 0;
            for (var pass = 0; pass < 10 && returned < healthyOrders.Count; pass++)
                returned += await Expiry.ExpireDueAsync(CancellationToken.None);

            Assert.Equal(healthyOrders.Count, returned);
            Assert.Equal(2, await app.RedisStockAsync(healthyActivity));
            Assert.Equal(2, await ReturnedMarkersAsync(healthyActivity));
            Assert.All(await OrdersAsync(healthyActivity), o => Assert.Equal(("Cancelled", false), (o.Status, o.StockReturnPending)));
            Assert.All(await OrdersAsync(poisonedActivity), o => Assert.Equal(("Cancelled", true), (o.Status, o.StockReturnPending)));
            Assert.Equal(0, await app.RedisStockAsync(poisonedActivity));
            Assert.Equal(failuresBefore + poisonCount, await FailuresAsync()); // each failed once, then rested

            // Passes go on without returning anything twice.
            Assert.Equal(0, await Expiry.ExpireDueAsync(CancellationToken.None));
            Assert.Equal(2, await app.RedisStockAsync(healthyActivity));
            Assert.Equal(0, (await app.ReconcileAsync(healthyActivity)).Drift);
        }
        finally
        {
            await app.Redis.KeyDeleteAsync($"sk:{{a{poisonedActivity}}}:returned");
        }
    }

    [Fact]
    public async Task A_push_that_fails_does_not_end_the_pass_before_the_other_returns()
    {
        var (activity, orders) = await DueOrdersAsync(SmallBatchSeckillApp.BatchSize);
        List<(string OrderNo, long UserId)> owners;
        await using (var db = await app.OpenDbAsync())
            owners = (await db.QueryAsync<(string, long)>("SELECT order_no, user_id FROM orders WHERE activity_id = @Id ORDER BY id", new { Id = activity })).ToList();
        app.Service<RecordingHubContext>().Failing[$"user:{owners[0].UserId}"] = 0;

        // Other tests' resting orders share the batches: a few passes, as the worker would make.
        for (var pass = 0; pass < 10 && await app.RedisStockAsync(activity) < SmallBatchSeckillApp.BatchSize; pass++)
            await Expiry.ExpireDueAsync(CancellationToken.None);

        Assert.Equal(SmallBatchSeckillApp.BatchSize, await app.RedisStockAsync(activity));
        Assert.All(await OrdersAsync(activity), o => Assert.Equal(("Cancelled", false), (o.Status, o.StockReturnPending)));
        var pushed = app.Service<RecordingHubContext>().Sent.Where(s => s.Method == MallHub.Messages.OrderStatusChanged)
            .Select(s => (s.Target, OrderNo: s.Args[0]!.GetType().GetProperty("orderNo")!.GetValue(s.Args[0]) as string)).ToList();
        foreach (var (orderNo, userId) in owners.Skip(1)) Assert.Contains(($"user:{userId}", orderNo), pushed);
        Assert.DoesNotContain(pushed, p => p.OrderNo == owners[0].OrderNo);
    }
}
