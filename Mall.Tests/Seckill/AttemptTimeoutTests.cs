using Mall.Features.Seckill;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>The app reaches Redis through a proxy whose replies the test can hold back.</summary>
public sealed class LateRedisApp : MallApp
{
    public LateRedisApp() : this(TcpProxy.ToRedis(BaseRedisConnectionString)) { }

    private LateRedisApp(TcpProxy proxy) : base(TestHost.Seckill, TestHost.RedisThrough(proxy)) => Proxy = proxy;

    public TcpProxy Proxy { get; }
}

/// <summary>
/// An attempt whose script ran but whose answer came too late (Redis:FailFastMilliseconds) is asked again with the same
/// token, and the shopper gets the reservation the first call made: never a 503 for stock that was taken.
/// </summary>
public sealed class AttemptTimeoutTests(LateRedisApp app) : IClassFixture<LateRedisApp>
{
    [Fact]
    public async Task An_attempt_answered_after_the_timeout_is_asked_again_and_the_shopper_gets_the_one_reservation()
    {
        var client = app.CreateClient();
        var activity = await app.CreateActivityAsync(stock: 5);
        var buyer = await app.BuyerAsync();
        var token = await client.TokenAsync(buyer, activity);
        var timeoutsBefore = SeckillMetrics.AttemptTimeouts.Value;

        app.Proxy.HoldReplies();
        Task<string> attempt;
        try
        {
            attempt = client.BuyAsync(buyer, activity, token: token);
            // The script ran (requests still flow) and its answer is held: wait for the timeout and the second call.
            await Http.EventuallyAsync(() => Task.FromResult(SeckillMetrics.AttemptTimeouts.Value > timeoutsBefore),
                TimeSpan.FromSeconds(10), "the attempt's script call never timed out");
        }
        finally
        {
            app.Proxy.ReleaseReplies();
        }

        Assert.False(string.IsNullOrEmpty(await attempt)); // 202 with the reservation the first call made
        Assert.Equal(4, await app.RedisStockAsync(activity));
        await app.WaitForOrdersAsync(activity, 1);
        Assert.Equal(1, await app.OrdersAsync(activity));
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);
    }
}
