using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;
using Prometheus;
using StackExchange.Redis;

namespace Mall.Infrastructure;

public static class HealthExtensions
{
    public static void AddMallHealthChecks(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<MySqlHealthCheck>("mysql", tags: ["ready"])
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        // The management port is one more address Kestrel listens on, beside the API's own.
        if (ManagementPort(builder.Configuration) is { } port)
        {
            var urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured
                : builder.Configuration["http_ports"] is { Length: > 0 } ports ? string.Join(';', ports.Split(';').Select(p => $"http://+:{p}"))
                : "http://localhost:5000";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries), $"http://+:{port}"]);
        }
    }

    /// <summary>
    /// The port /metrics is served on, apart from the API (Management:Port, 9464 by default; 0 in Development keeps it on
    /// the API's port, behind nginx's loopback-only location). The public port then has no /metrics at all.
    /// </summary>
    private static int? ManagementPort(IConfiguration configuration) =>
        configuration.GetValue("Management:Port", 0) is > 0 and var port ? port : null;

    /// <summary>/health/live: the process answers. /health/ready: MySQL and Redis answer too. /metrics: Prometheus.</summary>
    public static void MapMallHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteJson });
        var metrics = app.MapMetrics("/metrics");
        if (ManagementPort(app.Configuration) is { } port) metrics.RequireHost($"*:{port}");
    }

    /// <summary>
    /// HTTP request duration histogram by route pattern, method and status code, with bounded labels
    /// (<see cref="HttpRequestDurations"/>; its _count is the request count). Of the .NET meters only those that are polled or record
    /// per connection are bridged (runtime, Kestrel connections, SignalR connections): meters that record on every
    /// request, every Kestrel buffer rental or every MySQL/Redis command cost about 6 % of the CPU of a seckill attempt
    /// in a perf profile (docs/benchmarks.md), and the histogram above already covers requests. prometheus-net's
    /// event-counter bridge is off: it enables every EventSource at Informational level, which makes Kestrel and
    /// Hosting write start/stop events for each request into an in-process listener (a few per cent of the seckill path's
    /// allocations in a trace) for counters the meters above already give. No exemplars either: reading the trace
    /// context into one on every observation cost ~0.6 % of a seckill attempt, and no tracing backend here reads them.
    /// </summary>
    public static void UseMallMetrics(this WebApplication app)
    {
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Metrics.DefaultFactory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        Metrics.ConfigureMeterAdapter(adapter => adapter.InstrumentFilterPredicate =
            instrument => BridgedMeters.Contains(instrument.Meter.Name));
        app.UseRouting();
        app.UseHttpRequestDurations();
    }

    private static readonly HashSet<string> BridgedMeters =
        ["System.Runtime", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections"];

    /// <summary>Public: states only. Why a dependency is unhealthy (exception text names hosts and users) goes to the log.</summary>
    private static Task WriteJson(HttpContext http, HealthReport report)
    {
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Health")
                .LogWarning(entry.Exception, "Health check {Check} is {Status}: {Description}", name, entry.Status, entry.Description);
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }));
    }
}

internal sealed class MySqlHealthCheck(MySqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var command = new MySqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("MySQL does not answer.", e);
        }
    }
}

internal sealed class RedisHealthCheck(IDatabase redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await redis.PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", e);
        }
    }
}
