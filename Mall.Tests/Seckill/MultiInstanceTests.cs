using System.Net;
using Mall.Features.Seckill.Expiry;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

public sealed class MultiInstanceTests(ExpiryApp app) : IClassFixture<ExpiryApp>
{
    [Fact]
    public async Task Stock_returned_on_one_instance_lifts_the_sold_out_short_circuit_of_another()
    {
        var activity = await app.CreateActivityAsync(stock: 1);
        var (first, second) = (await app.BuyerAsync(), await app.BuyerAsync());
        var reservation = await app.CreateClient().BuyAsync(first, activity);
        await app.WaitForOrdersAsync(activity, 1);

        var peer = new SecondInstance(app);
        await peer.InitializeAsync();
        try
        {
            var peerClient = peer.CreateClient();
            // The peer learns "sold out" from Redis once; from then on it answers without asking Redis.
            await (await peerClient.RequestTokenAsync(second, activity)).ShouldBeProblemAsync(HttpStatusCode.Gone);
            await app.Redis.StringSetAsync($"sk:{{a{activity}}}:stock", 1);
            await (await peerClient.RequestTokenAsync(second, activity)).ShouldBeProblemAsync(HttpStatusCode.Gone);
            await app.Redis.StringSetAsync($"sk:{{a{activity}}}:stock", 0);

            // The order expires on the first instance: the unit goes back and the peer hears it over pub/sub.
            await Http.EventuallyAsync(async () => await app.CountAsync(
                "SELECT COUNT(*) FROM orders WHERE reservation_id = @Id AND expires_at <= UTC_TIMESTAMP(3)", new { Id = reservation }) == 1);
            Assert.Equal(1, await app.Service<SeckillExpiry>().ExpireDueAsync(CancellationToken.None));
            string? token = null;
            await Http.EventuallyAsync(async () =>
            {
                var response = await peerClient.RequestTokenAsync(second, activity);
                if (response.StatusCode == HttpStatusCode.OK) token = (await response.ReadAsync<SeckillKit.TokenBody>()).Token;
                return token is not null;
            }, because: "the peer dropped its sold-out flag");
            Assert.Equal(HttpStatusCode.Accepted, (await peerClient.AttemptAsync(second, activity, token!)).StatusCode);
            await Http.EventuallyAsync(async () => await app.CountAsync(
                "SELECT COUNT(*) FROM orders WHERE activity_id = @Id AND user_id = @User", new { Id = activity, User = second.UserId }) == 1);
        }
        finally
        {
            await ((IAsyncLifetime)peer).DisposeAsync();
        }
    }
}
