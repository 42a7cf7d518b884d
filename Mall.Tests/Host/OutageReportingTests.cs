using System.Diagnostics;
using System.Net;
using Mall.Tests.Infrastructure;
using Serilog.Events;

namespace Mall.Tests.Host;

/// <summary>The app reaches Redis through a proxy the test can cut, with its request-summary log captured.</summary>
public sealed class OutageReportingApp : MallApp
{
    public OutageReportingApp() : this(TcpProxy.ToRedis(BaseRedisConnectionString)) { }

    private OutageReportingApp(TcpProxy proxy) : base(TestHost.Seckill, TestHost.RedisThrough(proxy), CapturedRequestLogApp.CapturedRequestLog,
        TestHostOption.Set(("Redis:FailFastMilliseconds", "250"))) => Proxy = proxy;

    public TcpProxy Proxy { get; }

    public IEnumerable<LogEvent> Events => Service<CapturedRequestLogApp.Collector>().Events;
}

/// <summary>An outage is reported as what the client got: the request log and the metrics say 503, not 500.</summary>
public sealed class OutageReportingTests(OutageReportingApp app) : IClassFixture<OutageReportingApp>
{
    [Fact]
    public async Task A_request_answered_503_for_an_unreachable_redis_is_logged_and_counted_as_503()
    {
        var shopper = await app.NewShopperAsync(); // signed in while Redis answers
        app.Proxy.Cut();
        try
        {
            await (await shopper.Client.GetAsync("/api/v1/cart")).ShouldAskToRetrySoonAsync();
        }
        finally
        {
            app.Proxy.Restore();
        }

        var logged = Assert.Single(app.Events, e => e.Properties.TryGetValue("RequestPath", out var path) && path.ToString() == "\"/api/v1/cart\"");
        Assert.Equal("503", logged.Properties["StatusCode"].ToString());
        Assert.Equal(LogEventLevel.Warning, logged.Level);
        Assert.Null(logged.Exception);

        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        var counted = metrics.Split('\n').Where(line => line.StartsWith("http_request_duration_seconds_count{") && line.Contains("code=\"503\"")).ToList();
        Assert.True(counted.Any(line => line.Contains("cart")), "no 503 series for the cart: " + string.Join("\n", counted));
        await Http.EventuallyAsync(async () => (await app.CreateClient().GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(20), "ready once Redis answers again");
    }

    /// <summary>
    /// Redis down or silent: the attempt is answered 503 with Retry-After within the fail-fast bound
    /// (Redis:FailFastMilliseconds, 250 ms by default) instead of the client library's 5 s; the limit asserted leaves
    /// room for a loaded test machine and is still well below those 5 s.
    /// </summary>
    [Theory]
    [InlineData("down")]
    [InlineData("silent")]
    public async Task A_seckill_attempt_is_answered_503_at_once_while_redis_is_down_or_silent(string outage)
    {
        var activity = await app.CreateActivityAsync(stock: 10);
        var buyer = await app.BuyerAsync();
        var client = app.CreateClient();
        var token = await client.TokenAsync(buyer, activity);
        if (outage == "down") app.Proxy.Cut(); else app.Proxy.Freeze();
        try
        {
            var watch = Stopwatch.StartNew();
            var response = await client.AttemptAsync(buyer, activity, token);
            watch.Stop();
            await response.ShouldAskToRetrySoonAsync();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"answered after {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
            app.Proxy.Thaw();
            app.Proxy.Restore();
        }

        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("http_request_duration_seconds_count{") && line.Contains("code=\"503\"") && line.Contains("attempt"));
        // Redis back: the next attempt goes through.
        var next = await app.BuyerAsync();
        await Http.EventuallyAsync(async () => (await client.RequestTokenAsync(next, activity)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(20), "a token is issued once Redis answers again");
        Assert.True((await client.AttemptAsync(next, activity, await client.TokenAsync(next, activity))).IsSuccessStatusCode);
    }

    /// <summary>
    /// The catalog's Redis is a cache, not the truth: while it is down or silent, product pages and lists are read
    /// from MySQL at once (within the fail-fast bound), not after the client library's timeout and not as a 503.
    /// </summary>
    [Theory]
    [InlineData("down")]
    [InlineData("silent")]
    public async Task Catalog_reads_fall_back_to_mysql_at_once_while_redis_is_down_or_silent(string outage)
    {
        var sku = (await app.ProductAsync(stock: 5, title: $"outage-{outage}"))[0];
        var client = app.CreateClient();
        if (outage == "down") app.Proxy.Cut(); else app.Proxy.Freeze();
        try
        {
            var detail = $"/api/v1/products/{sku.ProductId}";
            foreach (var url in new[] { detail, "/api/v1/products?page=1&pageSize=5", "/api/v1/categories" })
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync(url);
                watch.Stop();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{url} answered after {watch.Elapsed.TotalMilliseconds:F0} ms");
                if (url == detail) Assert.Contains($"outage-{outage}", await response.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            app.Proxy.Thaw();
            app.Proxy.Restore();
        }
        // The next test starts with Redis answering again.
        await Http.EventuallyAsync(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(20), "ready once Redis answers again");
    }
}
