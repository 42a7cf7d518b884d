using System.Collections.Concurrent;
using System.Net;
using Mall.Features.Seckill;
using Mall.Features.Seckill.Recovery;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Mall.Tests.Seckill;

/// <summary>
/// Attempt.lua sells only on the Redis process the activity was verified on, whatever the instance has noticed: a
/// promoted replica or a primary restarted from its AOF is refused until FailoverRepair has run. Simulated on one real
/// Redis by what such a process looks like to the script — meta.node names another process, and there is no
/// "verified here" marker (it is never replicated nor persisted) — with the periodic check parked, so only the attempt
/// itself can notice. And after a repair the activity settles, so that a second instance can add what only it holds.
/// </summary>
public sealed class UnverifiedProcessTests(UnverifiedProcessApp app) : IClassFixture<UnverifiedProcessApp>
{
    private static readonly string OtherProcess = new('0', 40);

    [Fact]
    public async Task An_attempt_on_a_process_the_activity_was_not_verified_on_sells_nothing_until_the_activity_is_repaired()
    {
        const int stock = 6;
        var activity = await app.CreateActivityAsync(stock: stock);
        var keys = new ActivityKeys(activity);
        var client = app.CreateClient();
        var shoppers = await FailoverBurst.ShoppersAsync(app, client, activity, 9);
        var accepted = new ConcurrentBag<string>();
        await FailoverBurst.RunAsync(client, activity, shoppers[..3], accepted, TimeSpan.Zero);
        Assert.Equal(3, accepted.Count);
        await app.WaitForOrdersAsync(activity, 3);
        var run = (string?)await app.Redis.HashGetAsync(keys.Meta, "node");
        Assert.NotNull(run);

        // The rolled-back process: it has forgotten the three sales (stock and buyers) and was never verified.
        await app.Redis.HashSetAsync(keys.Meta, "node", OtherProcess);
        await app.Redis.KeyDeleteAsync([keys.VerifiedHere, keys.Buyers]);
        await app.Redis.StringIncrementAsync(keys.Stock, 3);

        using (var refused = await client.AttemptAsync(shoppers[3].Buyer, activity, shoppers[3].Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        // The refusal answered the instance's check: the activity was repaired from MySQL, on this process.
        await Http.EventuallyAsync(() => Task.FromResult(app.Service<FailoverRepair>().Last(activity)?.Run == run),
            TimeSpan.FromSeconds(10), "the repair");
        var repair = app.Service<FailoverRepair>().Last(activity)!;
        Assert.Equal(stock, repair.StockBefore);
        Assert.Equal(stock - 3, repair.StockTruth);

        // The refused shopper's token is still good (nothing was taken); after the settle period everyone buys again.
        await FailoverBurst.RunAsync(client, activity, shoppers[3..], accepted, TimeSpan.FromSeconds(30));
        await FailoverBurst.AssertTruthAsync(app, activity, stock, accepted);
    }

    [Fact]
    public async Task A_second_instance_adds_the_forgotten_reservation_only_it_holds_while_the_first_repair_settles()
    {
        const int stock = 5;
        var activity = await app.CreateActivityAsync(stock: stock);
        var keys = new ActivityKeys(activity);
        var client = app.CreateClient();
        var shoppers = await FailoverBurst.ShoppersAsync(app, client, activity, 8);
        var accepted = new ConcurrentBag<string>();
        await FailoverBurst.RunAsync(client, activity, shoppers[..2], accepted, TimeSpan.Zero);
        await app.WaitForOrdersAsync(activity, 2);

        // Instance B accepted one more on the old process and still holds it (not written); the process forgot it.
        var buyer = await app.BuyerAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var held = new Reservation(activity, $"{now}-0", buyer.UserId, 1, 990, now);
        var heldByB = new InFlightReservations(app.Service<SeckillOptions>(), TimeProvider.System);
        heldByB.Add(held, OtherProcess);
        var instanceB = ActivatorUtilities.CreateInstance<FailoverRepair>(app.Services, heldByB);

        // Instance A repairs first: it cannot know B's reservation, so its stock is one too high, and attempts stay refused.
        var first = await app.Service<FailoverRepair>().RepairAsync(activity, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Equal(stock - 2, first.StockTruth);
        using (var settling = await client.AttemptAsync(shoppers[2].Buyer, activity, shoppers[2].Token))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, settling.StatusCode);

        // B takes the settle period over at once and puts its reservation back in the log, counted.
        var second = await instanceB.RepairAsync(activity, CancellationToken.None);
        Assert.NotNull(second);
        Assert.Equal(1, second.Restored);
        Assert.Equal(stock - 3, second.StockTruth);
        Assert.Equal(stock - 3, await app.RedisStockAsync(activity));

        // Recovery writes the put-back reservation as B's writer would have; the rest sells exactly once.
        accepted.Add(held.Id);
        await app.WaitForOrdersAsync(activity, 3);
        await FailoverBurst.RunAsync(client, activity, shoppers[2..], accepted, TimeSpan.FromSeconds(30));
        await FailoverBurst.AssertTruthAsync(app, activity, stock, accepted);
    }
}

/// <summary>The periodic failover check parked, so only an attempt's own answer can start the repair.</summary>
public sealed class UnverifiedProcessApp() : MallApp(TestHost.Seckill,
    TestHostOption.Set(("Seckill:Recovery:FenceInterval", "01:00:00"), ("Seckill:Recovery:RepairSettle", "00:00:00.500")));
