using System.Collections.Concurrent;
using System.Net;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Mall.Tests.Host;

/// <summary>The API with its request-summary logger captured (every level).</summary>
public sealed class CapturedRequestLogApp() : MallApp(CapturedRequestLog)
{
    /// <summary>Replaces the request-summary logger with one that keeps every event in a singleton <see cref="Collector"/>.</summary>
    public static readonly TestHostOption CapturedRequestLog = new()
    {
        Services = (_, services) =>
        {
            var collector = new Collector();
            services.AddSingleton(collector);
            services.AddSingleton<Serilog.ILogger>(new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(collector).CreateLogger());
        },
    };

    public ConcurrentQueue<LogEvent> Events => Service<Collector>().Events;

    public sealed class Collector : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();
        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }
}

public sealed class RequestLoggingTests(CapturedRequestLogApp app) : IClassFixture<CapturedRequestLogApp>
{
    [Fact]
    public async Task Each_request_gets_one_summary_event_and_the_cached_reads_log_theirs_at_debug()
    {
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/categories")).StatusCode);
        await (await client.GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized); // no token

        var quiet = await SummaryOfAsync("/api/v1/categories");
        var loud = await SummaryOfAsync("/api/v1/me");
        Assert.Equal(LogEventLevel.Debug, quiet.Level);
        Assert.Equal(LogEventLevel.Information, loud.Level);
        Assert.Equal("401", loud.Properties["StatusCode"].ToString());
        Assert.Equal("\"Serilog.AspNetCore.RequestLoggingMiddleware\"", loud.Properties["SourceContext"].ToString());
    }

    private async Task<LogEvent> SummaryOfAsync(string path)
    {
        LogEvent? found = null;
        await Http.EventuallyAsync(() => Task.FromResult((found = app.Events.SingleOrDefault(e =>
            e.Properties.TryGetValue("RequestPath", out var p) && p.ToString() == $"\"{path}\"")) is not null),
            TimeSpan.FromSeconds(5), $"a request summary for {path}");
        return found!;
    }
}
