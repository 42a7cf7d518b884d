using System.Net;
using Mall.Tests.Infrastructure;
using Serilog.Events;

namespace Mall.Tests.Host;

/// <summary>The app reaches Redis through a proxy the test can cut, with its request-summary log captured.</summary>
public sealed class OutageReportingApp : MallApp
{
    public OutageReportingApp() : this(TcpProxy.ToRedis(BaseRedisConnectionString)) { }

    private OutageReportingApp(TcpProxy proxy) : base(TestHost.RedisThrough(proxy), CapturedRequestLogApp.CapturedRequestLog) => Proxy = proxy;

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
    }
}
