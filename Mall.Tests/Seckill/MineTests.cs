using System.Net;
using Mall.Features.Seckill;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>GET /seckill/activities/{id}/mine: what a shopper holds in a sale, for an app that lost its attempt's answer.</summary>
/// <remarks>No writer (<see cref="WriterlessApp"/>): a reservation stays queued until the test writes its order.</remarks>
public sealed class MineTests(WriterlessApp app) : IClassFixture<WriterlessApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private async Task<MineBody> MineAsync(Buyer buyer, long activity) =>
        await (await _client.SendAsync(buyer, HttpMethod.Get, $"/api/v1/seckill/activities/{activity}/mine")).ReadAsync<MineBody>();

    [Fact]
    public async Task A_reservation_is_reserved_while_queued_then_shows_its_order_to_its_buyer_only()
    {
        var activity = await app.CreateActivityAsync(stock: 3, limitPerUser: 2);
        var buyer = await app.BuyerAsync();
        var reservation = await _client.BuyAsync(buyer, activity, quantity: 2);

        var queued = await MineAsync(buyer, activity);
        Assert.Equal((activity, (int?)2), (queued.ActivityId, queued.Reserved));
        Assert.Empty(queued.Orders);

        await app.WriteOrderAsync(activity, reservation);

        var written = await MineAsync(buyer, activity);
        Assert.Equal((int?)2, written.Reserved);
        var order = Assert.Single(written.Orders);
        Assert.Equal(("PendingPayment", reservation, 2), (order.Status, order.ReservationId, order.Quantity));
        Assert.StartsWith("SK", order.OrderNo);

        var stranger = await MineAsync(await app.BuyerAsync(), activity);
        Assert.Equal((int?)0, stranger.Reserved);
        Assert.Empty(stranger.Orders);
    }

    [Fact]
    public async Task Once_the_sales_keys_are_gone_the_orders_still_answer()
    {
        var activity = await app.CreateActivityAsync(stock: 2);
        var buyer = await app.BuyerAsync();
        var reservation = await _client.BuyAsync(buyer, activity);
        await app.WriteOrderAsync(activity, reservation);
        var keys = new ActivityKeys(activity);

        // As after a close-out's retention: the buyers hash and the rest have expired, so Redis cannot tell.
        await app.Redis.KeyDeleteAsync([keys.Meta, keys.Stock, keys.Buyers, keys.Log]);

        var mine = await MineAsync(buyer, activity);
        Assert.Null(mine.Reserved);
        Assert.Equal(reservation, Assert.Single(mine.Orders).ReservationId);
    }

    [Fact]
    public async Task Unknown_activity_is_404_and_an_anonymous_caller_401()
    {
        await (await _client.SendAsync(await app.BuyerAsync(), HttpMethod.Get, "/api/v1/seckill/activities/987654/mine"))
            .ShouldBeNotFoundAsync("The activity");
        var activity = await app.CreateActivityAsync(stock: 1);
        await (await _client.GetAsync($"/api/v1/seckill/activities/{activity}/mine")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    private sealed record MineBody(long ActivityId, int? Reserved, List<MineOrderBody> Orders);
    private sealed record MineOrderBody(string OrderNo, string Status, string? ReservationId, int Quantity, DateTime CreatedAt);
}
