using System.Net;
using Dapper;
using Mall.Features.Seckill.Expiry;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>Orders expire one second after they are reserved; the test runs the expiry passes itself.</summary>
public sealed class ExpiryApp() : MallApp(TestHost.Seckill, OneSecondOrders)
{
    private static readonly TestHostOption OneSecondOrders = TestHostOption.Set(("Seckill:OrderExpiry", "00:00:01"));
}

public sealed class ExpiryTests(ExpiryApp app) : IClassFixture<ExpiryApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Racing_expiry_passes_return_the_unit_exactly_once_and_it_sells_again_to_someone_else()
    {
        var activity = await app.CreateActivityAsync(stock: 1, limitPerUser: 1);
        var first = await app.BuyerAsync();
        var second = await app.BuyerAsync();
        var secondToken = await _client.TokenAsync(second, activity);
        var reservation = await _client.BuyAsync(first, activity);
        await app.WaitForOrdersAsync(activity, 1);
        // The second buyer meets "sold out", so this instance now short-circuits the activity.
        await (await _client.AttemptAsync(second, activity, secondToken)).ShouldBeProblemAsync(HttpStatusCode.Gone);
        await (await _client.RequestTokenAsync(second, activity)).ShouldBeProblemAsync(HttpStatusCode.Gone);

        await Http.EventuallyAsync(async () => await app.CountAsync(
            "SELECT COUNT(*) FROM orders WHERE reservation_id = @Id AND expires_at <= UTC_TIMESTAMP(3)", new { Id = reservation }) == 1);
        var expiry = app.Service<SeckillExpiry>();
        var passes = Enumerable.Range(0, 4).Select(_ => expiry.ExpireDueAsync(CancellationToken.None)).ToList();
        // Two more instances' worth of racing returns for the very same reservation, straight at the Lua script.
        var direct = Enumerable.Range(0, 2).Select(_ => expiry.ReturnStockAsync(activity, reservation, first.UserId, 1)).ToList();
        var returnedByPasses = (await Task.WhenAll(passes)).Sum();
        var returnedDirectly = (await Task.WhenAll(direct)).Count(r => r >= 0);

        Assert.Equal(1, returnedByPasses + returnedDirectly);
        Assert.Equal(1, await app.RedisStockAsync(activity));
        Assert.True(await app.Redis.HashExistsAsync($"sk:{{a{activity}}}:buyers", first.UserId)); // the allowance stays spent
        await using (var db = await app.OpenDbAsync())
        {
            var order = await db.QuerySingleAsync<(string Status, string Reason, bool Pending)>(
                "SELECT status, cancel_reason, stock_return_pending FROM orders WHERE reservation_id = @Id", new { Id = reservation });
            Assert.Equal(("Cancelled", "expired", false), order);
            Assert.Equal(1, await db.ExecuteScalarAsync<int>(
                "SELECT s.locked FROM skus s JOIN seckill_activities a ON a.sku_id = s.id WHERE a.id = @Id", new { Id = activity }));
        }
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);

        // The returned unit is not for the buyer who let it lapse ...
        await (await _client.AttemptAsync(first, activity, await _client.TokenAsync(first, activity))).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        // ... it sells again, to the shopper who was told "sold out" a moment ago.
        var again = await _client.BuyAsync(second, activity);
        await app.WaitForOrdersAsync(activity, 2);
        await (await _client.RequestTokenAsync(first, activity)).ShouldBeProblemAsync(HttpStatusCode.Gone);
        Assert.Equal(0, await app.RedisStockAsync(activity));
        Assert.Equal(1, await app.CountAsync(
            "SELECT COUNT(*) FROM orders WHERE reservation_id = @Id AND status = 'PendingPayment'", new { Id = again }));
        Assert.Equal(new SeckillKit.ReconcileBody(1, 0, 0, 1, 0, 0), await app.ReconcileAsync(activity));
    }
}
