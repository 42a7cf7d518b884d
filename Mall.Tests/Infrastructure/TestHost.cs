using System.Globalization;
using System.Net;
using Mall.Features.Payments.Sandbox;
using Mall.Features.Payments.WeChatPay;
using Mall.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Tests.Infrastructure;

/// <summary>The <see cref="TestHostOption"/> pieces more than one suite composes its fixture from.</summary>
public static class TestHost
{
    /// <summary>A clock that starts at the real now and only moves when the test advances it (token and order expiry).</summary>
    public static readonly TestHostOption FakeClock = new() { UsesFakeClock = true };

    /// <summary>The background order-expiry sweep is off; tests move the clock and run the sweep themselves.</summary>
    public static readonly TestHostOption ManualOrderExpiry = TestHostOption.Set(("Orders:ExpirySweepSeconds", "0"));

    /// <summary>The demo catalog and seckill activity are seeded at startup.</summary>
    public static readonly TestHostOption DemoData = TestHostOption.Set(("Mall:SeedDemoData", "true"));

    /// <summary>Seckill with short grace periods and generous rate limits; expiry and the periodic reconcile parked.</summary>
    public static readonly TestHostOption Seckill = TestHostOption.Set(
        ("Seckill:IpAttemptsPerWindow", "1000000"),
        ("Seckill:UserAttemptsPerWindow", "5"),
        ("Seckill:UserTokensPerWindow", "5"),
        ("Seckill:RateWindow", "00:00:30"),
        ("Seckill:Writer:MaxWait", "00:00:00.010"),
        ("Seckill:Recovery:Interval", "00:00:00.200"),
        ("Seckill:Recovery:GracePeriod", "00:00:01"),
        ("Seckill:Writer:MaxBurstDeferral", "00:00:00.500"), // at most half the grace period
        ("Seckill:Expiry:Enabled", "false"),
        ("Seckill:ReconcileInterval", "00:10:00"));

    /// <summary>An instance that accepts seckill attempts but "dies" before writing them: no writer, no recovery.</summary>
    public static readonly TestHostOption SeckillWithoutWriter = TestHostOption.Set(
        ("Seckill:Writer:Enabled", "false"),
        ("Seckill:Recovery:Enabled", "false"));

    /// <summary>SignalR pushes go to a <see cref="RecordingHubContext"/> singleton (<c>app.Service&lt;RecordingHubContext&gt;()</c>).</summary>
    public static readonly TestHostOption RecordedPushes = new() { Services = (_, services) => RecordPushes(services) };

    private static void RecordPushes(IServiceCollection services)
    {
        var hub = new RecordingHubContext();
        services.AddSingleton(hub);
        services.AddSingleton<IHubContext<MallHub>>(hub);
    }

    /// <summary>
    /// The payments sandbox on: the shop's WeChat Pay / Alipay clients and the sandbox's notifier go through named
    /// HttpClients routed into this in-process server, so every test runs the real wire protocol. The housekeeping worker
    /// is parked (tests run a round themselves); SignalR pushes go to a <see cref="RecordingHubContext"/> singleton.
    /// </summary>
    public static readonly TestHostOption PaymentsSandbox = new()
    {
        Settings = PaymentsSandboxSettings(),
        Services = (app, services) =>
        {
            RecordPushes(services);
            foreach (var name in new[] { WeChatPayClient.HttpClientName, Features.Payments.Alipay.AlipayClient.HttpClientName, SandboxNotifier.HttpClientName })
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => app.Server.CreateHandler());
        },
    };

    private static Dictionary<string, string?> PaymentsSandboxSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mall:PublicBaseUrl"] = "http://localhost",
            ["Payments:Sandbox:Enabled"] = "true",
            ["Payments:WorkerIntervalSeconds"] = "3600",
        };
        double[] retries = [0.2, 0.3, 0.5, 0.5, 1, 1, 1, 2, 2, 2];
        for (var i = 0; i < retries.Length; i++) settings[$"Payments:Sandbox:RetryScheduleSeconds:{i}"] = retries[i].ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>
    /// The app reaches MariaDB (its own database) only through <paramref name="proxy"/>, with the connection string
    /// tuned by <paramref name="tune"/>; the proxy is disposed with the app.
    /// </summary>
    public static TestHostOption DatabaseThrough(TcpProxy proxy, Action<MySqlConnectionStringBuilder> tune) => new()
    {
        InstanceSettings = app =>
        {
            var builder = new MySqlConnectionStringBuilder(app.ConnectionString) { Port = (uint)proxy.Port };
            tune(builder);
            return new Dictionary<string, string?> { ["ConnectionStrings:Mall"] = builder.ConnectionString };
        },
        Disposed = proxy.Dispose,
    };

    /// <summary>The app reaches Redis only through <paramref name="proxy"/>, giving up on a call after a second; disposed with the app.</summary>
    public static TestHostOption RedisThrough(TcpProxy proxy) => new()
    {
        InstanceSettings = app =>
        {
            var proxied = ConfigurationOptions.Parse(app.RedisConnectionString);
            proxied.EndPoints.Clear();
            proxied.EndPoints.Add(IPAddress.Loopback, proxy.Port);
            proxied.ConnectTimeout = proxied.SyncTimeout = proxied.AsyncTimeout = 1000;
            return new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = proxied.ToString(includePassword: true) };
        },
        Disposed = proxy.Dispose,
    };

    /// <summary>
    /// Another API instance on <paramref name="first"/>'s database, Redis key prefix and data folder (the restart, or a
    /// peer behind the same load balancer). It still creates and drops its own, unused, database.
    /// </summary>
    public static TestHostOption SameDataAs(MallApp first) => TestHostOption.Set(
        ("ConnectionStrings:Mall", first.ConnectionString),
        ("Redis:KeyPrefix", first.KeyPrefix),
        ("Mall:DataDir", first.DataDir));

    public const string ConnectionAddressHeader = "X-Test-Connection-Address";

    /// <summary>
    /// The in-process server has no connection address; with this piece each request gets the one its
    /// <see cref="ConnectionAddressHeader"/> names, set before anything else runs (forwarded headers included).
    /// </summary>
    public static readonly TestHostOption ConnectionAddressFromHeader = new()
    {
        Services = (_, services) => services.AddSingleton<IStartupFilter, ConnectionAddressFilter>(),
    };

    private sealed class ConnectionAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(ConnectionAddressHeader, out var address))
                    http.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
