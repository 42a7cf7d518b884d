using System.Net;
using System.Net.Http.Json;
using Dapper;
using Mall.Features.Orders.CancelOrder;
using Mall.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using static Mall.Tests.Infrastructure.ShopFixtures;

namespace Mall.Tests.Orders;

/// <summary>
/// Group commit of the shopper's cancel. Most tests hand one group to <see cref="CancelGroups"/> directly, so what shares
/// a transaction is decided by the test, not by timing.
/// </summary>
public sealed class CancelGroupTests(MallApp app) : IClassFixture<MallApp>
{
    private CancelGroups Cancels => app.Service<CancelGroups>();

    private async Task<(Shopper Shopper, string OrderNo)> PlaceAsync(long skuId, int quantity)
    {
        var shopper = await app.FastShopperAsync();
        var addressId = await shopper.AddressAsync();
        var order = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId, quantity } }, addressId }))
            .ReadAsync<PlacedOrder>(HttpStatusCode.Created);
        return (shopper, order.OrderNo);
    }

    private static CancelGroups.Pending Cancel((Shopper Shopper, string OrderNo) order, string? note = null, long? asUser = null) =>
        new(new CancelRequest(order.OrderNo, asUser ?? order.Shopper.UserId, note));

    private static (int Status, string Code) Refusal(CancelOutcome outcome)
    {
        var problem = Assert.IsType<ProblemHttpResult>(outcome.Refusal);
        return (problem.StatusCode, (string)problem.ProblemDetails.Extensions["code"]!);
    }

    [Fact]
    public async Task One_group_cancels_each_unpaid_order_once_gives_its_stock_back_and_refuses_the_others_alone()
    {
        var sku = (await app.ProductAsync(stock: 20))[0];
        var orders = new List<(Shopper Shopper, string OrderNo)>();
        for (var i = 0; i < 4; i++) orders.Add(await PlaceAsync(sku.SkuId, 2));
        (await orders[0].Shopper.Client.PostAsync($"/api/v1/orders/{orders[0].OrderNo}/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal((20, 6, 0), await app.SkuCountersAsync(sku.SkuId));

        var group = new[]
        {
            Cancel(orders[1]),
            Cancel(orders[2], asUser: orders[3].Shopper.UserId), // someone else's order: as if it did not exist
            Cancel(orders[2], note: "买错了"),
            Cancel(orders[1]), // a double tap: the second finds it cancelled
            Cancel(orders[0]), // cancelled before
            Cancel((orders[3].Shopper, "M202601010000000000000")), // no such order
            Cancel(orders[3]),
        };
        await Cancels.CommitGroupAsync(group, CancellationToken.None);
        var outcomes = await Task.WhenAll(group.Select(p => p.Done.Task));

        foreach (var i in new[] { 0, 2, 6 })
        {
            var order = outcomes[i].Order!;
            Assert.Equal(("Cancelled", "shopper"), (order.Status, order.CancelReason));
            Assert.Equal(group[i].Request.OrderNo, order.OrderNo);
            Assert.Single(order.Items);
        }
        Assert.Equal("买错了", outcomes[2].Order!.CancelNote);
        Assert.Equal((404, "order.not_found"), Refusal(outcomes[1]));
        Assert.Equal((409, "order.wrong_state"), Refusal(outcomes[3]));
        Assert.Equal((409, "order.wrong_state"), Refusal(outcomes[4]));
        Assert.Equal((404, "order.not_found"), Refusal(outcomes[5]));

        // Each cancelled order's units came back once; what the answers said is what is stored.
        Assert.Equal((20, 0, 0), await app.SkuCountersAsync(sku.SkuId));
        await using var db = await app.OpenDbAsync();
        foreach (var i in new[] { 0, 2, 6 })
        {
            var stored = await db.QuerySingleAsync<(string Status, string Reason, string? Note, DateTime CancelledAt)>(
                "SELECT status, cancel_reason, cancel_note, cancelled_at FROM orders WHERE order_no = @No", new { No = group[i].Request.OrderNo });
            var answered = outcomes[i].Order!;
            Assert.Equal((answered.Status, answered.CancelReason!, answered.CancelNote), (stored.Status, stored.Reason, stored.Note));
            Assert.Equal(answered.CancelledAt, DateTime.SpecifyKind(stored.CancelledAt, DateTimeKind.Utc));
        }
        // The shopper's own read agrees with the answer.
        var read = await (await orders[2].Shopper.Client.GetAsync($"/api/v1/orders/{orders[2].OrderNo}")).ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal(outcomes[2].Order!.CancelledAt, read.GetProperty("cancelledAt").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task A_cancel_the_database_refuses_mid_group_fails_alone_and_the_others_are_cancelled()
    {
        // The database itself refuses one order's update (a trigger standing in for any unforeseen error): the group's
        // transaction fails, and its cancels are then committed one by one.
        var sku = (await app.ProductAsync(stock: 10))[0];
        var orders = new List<(Shopper Shopper, string OrderNo)>();
        for (var i = 0; i < 3; i++) orders.Add(await PlaceAsync(sku.SkuId, 1));
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("""
                CREATE TRIGGER refuse_cancel BEFORE UPDATE ON orders FOR EACH ROW
                BEGIN
                  IF NEW.cancel_note = 'refuse me' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF;
                END
                """);
        try
        {
            var group = new[] { Cancel(orders[0]), Cancel(orders[1], note: "refuse me"), Cancel(orders[2]) };
            await Cancels.CommitSafelyAsync([.. group], CancellationToken.None);

            Assert.Equal("Cancelled", (await group[0].Done.Task).Order!.Status);
            Assert.Equal("Cancelled", (await group[2].Done.Task).Order!.Status);
            await Assert.ThrowsAnyAsync<Exception>(() => group[1].Done.Task);
            Assert.Equal((10, 1, 0), await app.SkuCountersAsync(sku.SkuId));
            await using var db = await app.OpenDbAsync();
            Assert.Equal("PendingPayment", await db.ExecuteScalarAsync<string>("SELECT status FROM orders WHERE order_no = @No", new { No = orders[1].OrderNo }));
        }
        finally
        {
            await using var db = await app.OpenDbAsync();
            await db.ExecuteAsync("DROP TRIGGER IF EXISTS refuse_cancel");
        }
    }

    [Fact]
    public async Task Concurrent_cancels_of_one_hot_sku_over_http_each_release_their_units_exactly_once()
    {
        var sku = (await app.ProductAsync(stock: 100))[0];
        var orders = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => PlaceAsync(sku.SkuId, 2)));
        Assert.Equal((100, 60, 0), await app.SkuCountersAsync(sku.SkuId));

        // Each order cancelled twice at once (a double tap): one 200 and one 409 per order, whatever groups they land in.
        var responses = await Task.WhenAll(orders.SelectMany(o => new[] { o, o })
            .Select(o => o.Shopper.Client.PostAsJsonAsync($"/api/v1/orders/{o.OrderNo}/cancel", new { reason = "test" })));
        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal((100, 0, 0), await app.SkuCountersAsync(sku.SkuId));
    }
}
