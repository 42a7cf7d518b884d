using System.Net;
using Mall.Features.Seckill;
using Mall.LoadTests.Baseline;
using Mall.Tests.Infrastructure;
using StackExchange.Redis;
using Spectre.Console.Cli;

namespace Mall.Tests.LoadTests;

/// <summary>
/// The bare Lua baseline is what the seckill attempt is measured against, so it must do the attempt's Redis work
/// exactly: the shop's own script, every call accepted, one token consumed, one log entry, one unit sold.
/// </summary>
public sealed class BaselineServerTests
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "127.0.0.1:6379,password=mall-dev-redis";

    [Fact]
    public void The_baseline_runs_the_shops_attempt_script_byte_for_byte() =>
        Assert.Equal(SeckillScripts.Attempt.Text, BaselineServerCommand.Script);

    [Fact]
    public async Task Each_call_consumes_an_issued_token_and_is_a_full_accepted_attempt()
    {
        var prefix = $"test-baseline-{Guid.NewGuid():N}:";
        var port = BaselineRun.FreePort();
        using var stop = new CancellationTokenSource();
        var settings = new BaselineServerSettings { Port = port, Redis = Redis, Prefix = prefix };
        var server = Task.Run(() => new BaselineServerCommand().ExecuteAsync(null!, settings, stop.Token));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Http.EventuallyAsync(async () =>
        {
            if (server.IsCompleted) await server; // surfaces a failed start
            try
            {
                return (await http.GetAsync("/json")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the baseline server should answer");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis);
        var db = redis.GetDatabase();
        var keys = new BaselineKeys(prefix);
        try
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await http.PostAsync("/lua", null)).StatusCode); // no token yet
            Assert.True((await http.PostAsync("/lua/tokens?count=3", null)).IsSuccessStatusCode);
            var stockBefore = (long)await db.StringGetAsync(keys.Stock);

            // The first call used user 1 without a token; tokens went to users 1–3, so users 2 and 3 are served.
            Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/lua", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/lua", null)).StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, (await http.PostAsync("/lua", null)).StatusCode); // user 4: none

            Assert.Equal(stockBefore - 2, (long)await db.StringGetAsync(keys.Stock));
            Assert.Equal(2, await db.StreamLengthAsync(keys.Log));
            Assert.Equal(2, await db.HashLengthAsync(keys.Buyers));
            // A used token keeps how its attempt ended (the shop's replay answer); one issued after its user's refused
            // call is still unused.
            Assert.StartsWith("ok:2:", (string?)await db.StringGetAsync(keys.Token(2)));
            Assert.StartsWith("ok:3:", (string?)await db.StringGetAsync(keys.Token(3)));
            Assert.Equal("1", (string?)await db.StringGetAsync(keys.Token(1)));

            // Every token issued since the last clear-out is deleted when asked, instead of expiring en masse later.
            Assert.True((await http.PostAsync("/lua/tokens?count=3", null)).IsSuccessStatusCode); // users 4 (already called), 5, 6
            Assert.Contains("\"deleted\":6", await (await http.DeleteAsync("/lua/tokens")).Content.ReadAsStringAsync());
            for (var user = 1; user <= 6; user++) Assert.False(await db.KeyExistsAsync(keys.Token(user)));
            Assert.Contains("\"deleted\":0", await (await http.DeleteAsync("/lua/tokens")).Content.ReadAsStringAsync());
        }
        finally
        {
            await stop.CancelAsync();
            await server;
            await db.KeyDeleteAsync([keys.Token(1), keys.Token(4), keys.UserRate(1), keys.UserRate(2), keys.UserRate(3), keys.UserRate(4),
                keys.IpRate(1), keys.IpRate(2), keys.IpRate(3), keys.IpRate(4)]);
        }
        Assert.Equal(0, await db.KeyDeleteAsync(keys.Shared)); // the server removed its activity when it stopped
    }
}
