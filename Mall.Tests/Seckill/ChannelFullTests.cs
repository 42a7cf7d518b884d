using System.Net;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>A one-slot channel that nobody drains: every further reservation finds it full.</summary>
public sealed class FullChannelApp() : MallApp(TestHost.Seckill, OneSlotChannelWithoutWriter)
{
    private static readonly TestHostOption OneSlotChannelWithoutWriter = TestHostOption.Set(
        ("Seckill:Writer:Enabled", "false"),
        ("Seckill:Writer:ChannelCapacity", "1"));
}

public sealed class ChannelFullTests(FullChannelApp app) : IClassFixture<FullChannelApp>
{
    [Fact]
    public async Task A_full_channel_still_answers_202_and_recovery_writes_every_reservation()
    {
        var activity = await app.CreateActivityAsync(stock: 10);
        var buyers = await app.InsertBuyersAsync(10);
        var client = app.CreateClient();
        var tokens = await Task.WhenAll(buyers.Select(b => client.TokenAsync(b, activity)));
        var responses = await Task.WhenAll(buyers.Select((b, i) => client.AttemptAsync(b, activity, tokens[i])));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        await app.WaitForOrdersAsync(activity, 10);
        Assert.Equal(new SeckillKit.ReconcileBody(10, 0, 0, 10, 0, 0), await app.ReconcileAsync(activity));
    }
}
