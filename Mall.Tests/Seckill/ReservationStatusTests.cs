using System.Net;
using Mall.Features.Seckill;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>GET /seckill/reservations/{id}: Queued while the reservation is only in the log, then OrderCreated.</summary>
/// <remarks>No writer and no recovery here (<see cref="WriterlessApp"/>): accepted reservations stay in the log until a test writes them.</remarks>
public sealed class ReservationStatusTests(WriterlessApp app) : IClassFixture<WriterlessApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private Task<HttpResponseMessage> PollAsync(Buyer buyer, string reservation) =>
        _client.SendAsync(buyer, HttpMethod.Get, $"/api/v1/seckill/reservations/{reservation}");

    [Fact]
    public async Task A_reservation_waiting_in_the_log_is_queued_for_its_buyer_and_unknown_to_anyone_else()
    {
        var activity = await app.CreateActivityAsync(stock: 3);
        var buyer = await app.BuyerAsync();
        var reservation = await _client.BuyAsync(buyer, activity);

        var status = await (await PollAsync(buyer, reservation)).ReadAsync<SeckillKit.ReservationBody>();
        Assert.Equal(("Queued", (string?)null), (status.Status, status.OrderNo));
        await (await PollAsync(await app.BuyerAsync(), reservation)).ShouldBeNotFoundAsync("The reservation");
        await (await PollAsync(buyer, $"{activity}-1-0")).ShouldBeNotFoundAsync("The reservation");
        await (await PollAsync(buyer, "not-a-reservation")).ShouldBeNotFoundAsync("The reservation");
        Assert.Equal(0, await app.OrdersAsync(activity));
    }

    [Fact]
    public async Task Once_written_and_gone_from_the_log_the_reservation_reports_its_order()
    {
        var activity = await app.CreateActivityAsync(stock: 3);
        var buyer = await app.BuyerAsync();
        var reservation = await _client.BuyAsync(buyer, activity);
        Assert.True(Reservation.TryParseId(reservation, out _, out var entryId));

        await app.WriteOrderAsync(activity, reservation);

        Assert.Empty(await app.Redis.StreamRangeAsync(new ActivityKeys(activity).Log, entryId, entryId));
        var status = await (await PollAsync(buyer, reservation)).ReadAsync<SeckillKit.ReservationBody>();
        Assert.Equal("OrderCreated", status.Status);
        Assert.StartsWith("SK", status.OrderNo);
        await (await PollAsync(await app.BuyerAsync(), reservation)).ShouldBeNotFoundAsync("The reservation");
    }
}
