using System.Net;
using System.Net.Http.Json;
using Mall.Tests.Infrastructure;
using StackExchange.Redis;

namespace Mall.Tests.Seckill;

/// <summary>The app reaches Redis only through a proxy the test can cut; Redis calls give up after a second.</summary>
public sealed class RedisOutageApp : MallApp
{
    public RedisOutageApp() : this(TcpProxy.ToRedis(BaseRedisConnectionString)) { }

    private RedisOutageApp(TcpProxy proxy) : base(TestHost.Seckill, TestHost.RedisThrough(proxy)) => Proxy = proxy;

    public TcpProxy Proxy { get; }

    /// <summary>
    /// Runs <paramref name="during"/> with Redis cut off, then reopens the proxy and waits until the app talks to Redis
    /// again (its multiplexer reconnects with backoff), so what follows does not start inside the outage.
    /// </summary>
    public async Task DuringOutageAsync(Func<Task> during)
    {
        Proxy.Cut();
        try
        {
            await during();
        }
        finally
        {
            Proxy.Restore();
            await Http.EventuallyAsync(async () =>
            {
                try
                {
                    await Redis.PingAsync();
                    return true;
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    return false;
                }
            });
        }
    }
}

/// <summary>The seckill endpoints while Redis is unreachable: what can be answered is, the rest is 503, nothing is a 500.</summary>
public sealed class RedisOutageTests(RedisOutageApp app) : IClassFixture<RedisOutageApp>
{
    [Fact]
    public async Task Without_redis_a_written_order_is_still_reported_and_anything_else_is_503_with_retry_after()
    {
        var activity = await app.CreateActivityAsync(stock: 3);
        var buyer = await app.BuyerAsync();
        var client = app.CreateClient();
        var reservation = await client.BuyAsync(buyer, activity);
        await app.WaitForOrdersAsync(activity, 1);

        await app.DuringOutageAsync(async () =>
        {
            var written = await client.SendAsync(buyer, HttpMethod.Get, $"/api/v1/seckill/reservations/{reservation}");
            Assert.Equal("OrderCreated", (await written.ReadAsync<SeckillKit.ReservationBody>()).Status);

            await (await client.SendAsync(buyer, HttpMethod.Get, $"/api/v1/seckill/reservations/{activity}-1-0")).ShouldAskToRetrySoonAsync();
        });
    }

    [Fact]
    public async Task Without_redis_token_and_attempt_answer_503_with_retry_after_and_nothing_is_sold()
    {
        var activity = await app.CreateActivityAsync(stock: 3);
        var buyer = await app.BuyerAsync();
        var client = app.CreateClient();
        var token = await client.TokenAsync(buyer, activity);

        await app.DuringOutageAsync(async () =>
        {
            await (await client.RequestTokenAsync(buyer, activity)).ShouldAskToRetrySoonAsync();
            await (await client.AttemptAsync(buyer, activity, token)).ShouldAskToRetrySoonAsync();
        });

        // Back: the token was not spent, so an attempt goes through. (A retry that timed out while the connection came
        // back may have run its script anyway: the token is then spent, 403, and recovery writes that reservation.)
        // Either way exactly one unit is sold and becomes one order.
        await Http.EventuallyAsync(async () =>
            (await client.AttemptAsync(buyer, activity, token)).StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Forbidden);
        await app.WaitForOrdersAsync(activity, 1);
        Assert.Equal(1, await app.OrdersAsync(activity));
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);
    }

    [Fact]
    public async Task Without_redis_nothing_is_a_500_what_needs_redis_is_503_with_retry_after_and_the_catalog_still_reads()
    {
        var activity = await app.CreateActivityAsync(stock: 3);
        var buyer = await app.BuyerAsync();
        var client = app.CreateClient();

        await app.DuringOutageAsync(async () =>
        {
            // The catalog falls back to MySQL.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/categories")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/products")).StatusCode);
            // What cannot answer without Redis (live stock, the cart, the login throttle) says "try again", not 500.
            await (await client.GetAsync($"/api/v1/seckill/activities/{activity}")).ShouldAskToRetrySoonAsync();
            await (await client.GetAsync("/api/v1/seckill/activities")).ShouldAskToRetrySoonAsync();
            await (await client.SendAsync(buyer, HttpMethod.Get, "/api/v1/cart")).ShouldAskToRetrySoonAsync();
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = "nobody-here", password = "Wrong#Password1" }))
                .ShouldAskToRetrySoonAsync();
        });
    }
}
