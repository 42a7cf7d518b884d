using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Host;

/// <summary>An OTLP/HTTP receiver on loopback: keeps every export request's protobuf body.</summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();

    public OtlpReceiver()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<(string Path, string ContentType, byte[] Body)> Exports { get; } = new();

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (!_listener.IsListening) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Exports.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}

/// <summary>The shop with tracing on, exporting to an <see cref="OtlpReceiver"/> every 200 ms.</summary>
public sealed class TracingApp : MallApp
{
    public TracingApp() : this(new OtlpReceiver()) { }

    private TracingApp(OtlpReceiver receiver) : base(TestHost.Seckill, TestHostOption.Set(
        ("Tracing:OtlpEndpoint", $"http://127.0.0.1:{receiver.Port}"),
        ("Tracing:ExportIntervalMilliseconds", "200"))) => Receiver = receiver;

    public OtlpReceiver Receiver { get; }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Receiver.Dispose();
    }
}

/// <summary>
/// Traces leave over OTLP: a request's trace (its id taken from the caller's traceparent) carries the HTTP server
/// span, the shop's Redis spans and MySqlConnector's MySQL spans; the same id is in the problem+json and the log.
/// </summary>
public sealed class TracingTests(TracingApp app) : IClassFixture<TracingApp>
{
    [Fact]
    public async Task A_seckill_attempt_is_exported_with_its_redis_spans_under_the_callers_trace()
    {
        var activity = await app.CreateActivityAsync(stock: 5);
        var buyer = await app.BuyerAsync();
        var trace = ActivityTraceId.CreateRandom();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.Accepted, (await client.AttemptAsync(buyer, activity, await client.TokenAsync(buyer, activity))).StatusCode);

        await ExportedAsync(trace, "redis EVALSHA IssueToken");
        await ExportedAsync(trace, "redis EVALSHA Attempt");
        await ExportedAsync(trace, "mall-api"); // the resource's service.name
    }

    [Fact]
    public async Task A_checkout_is_exported_with_its_mysql_spans_and_the_problem_names_the_same_trace()
    {
        var sku = (await app.ProductAsync(stock: 5))[0];
        var shopper = await app.FastShopperAsync();
        var address = await shopper.AddressAsync();
        var trace = ActivityTraceId.CreateRandom();
        shopper.Client.DefaultRequestHeaders.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        (await shopper.CheckoutAsync(new { addressId = address, items = new[] { new { skuId = sku.SkuId, quantity = 1 } } })).EnsureSuccessStatusCode();
        await ExportedAsync(trace, "MySqlConnector");
        await ExportedAsync(trace, "redis HDEL cart");

        using var missing = await shopper.Client.GetAsync("/api/v1/orders/not-an-order");
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        Assert.Equal(trace.ToString(), problem.RootElement.GetProperty("traceId").GetString());
    }

    /// <summary>Waits for an export that holds a span of <paramref name="trace"/> together with <paramref name="text"/>
    /// (protobuf keeps a trace id as its 16 raw bytes and names as UTF-8; spans of one trace may leave in several
    /// batches, each repeating the resource and scope).</summary>
    private Task ExportedAsync(ActivityTraceId trace, string text)
    {
        var id = Convert.FromHexString(trace.ToString());
        return Http.EventuallyAsync(() => Task.FromResult(app.Receiver.Exports
                .Where(e => e.Path == "/v1/traces" && e.ContentType.StartsWith("application/x-protobuf"))
                .Any(e => e.Body.AsSpan().IndexOf(id) >= 0 && Encoding.UTF8.GetString(e.Body).Contains(text))),
            TimeSpan.FromSeconds(20), $"an OTLP export of trace {trace} with {text}");
    }
}
