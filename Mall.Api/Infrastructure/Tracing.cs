using System.Diagnostics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mall.Infrastructure;

public sealed class TracingOptions
{
    /// <summary>
    /// Where spans go over OTLP (http/protobuf), e.g. <c>http://otel-collector:4318</c>. Empty: tracing is off and
    /// costs nothing (no listener, so no spans are even created). The standard OTEL_EXPORTER_OTLP_ENDPOINT works too.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>The share of traces kept (parent-based: a caller's sampling decision is followed).</summary>
    public double SampleRatio { get; set; } = 1.0;

    public string ServiceName { get; set; } = "mall-api";

    /// <summary>How often finished spans are sent (the batch exporter's schedule).</summary>
    public int ExportIntervalMilliseconds { get; set; } = 5000;
}

/// <summary>
/// OpenTelemetry traces: HTTP server and client spans, MySQL spans (MySqlConnector's own ActivitySource) and the
/// shop's Redis spans (<see cref="Source"/>, opened around the Redis calls of the seckill, checkout and payment
/// paths: StackExchange.Redis 3 has no ActivitySource of its own, and the contrib profiler bridge does not follow its
/// internals). Metrics stay on the one Prometheus stack (/metrics); OpenTelemetry here is traces only. The trace id is
/// already in every log line (Serilog reads Activity.Current) and every problem+json (traceId).
/// </summary>
public static class Tracing
{
    public const string SourceName = "Mall";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A client span around one Redis call; null (free) when nobody listens.</summary>
    public static Activity? Redis(string operation, string what)
    {
        var activity = Source.StartActivity($"redis {operation} {what}", ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag("db.system.name", "redis");
        activity.SetTag("db.operation.name", operation);
        activity.SetTag("db.query.summary", $"{operation} {what}");
        return activity;
    }

    /// <summary>Marks a span failed with the exception that ended it.</summary>
    public static void Fail(this Activity? activity, Exception e)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        activity.AddException(e);
    }

    public static void AddMallTracing(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<TracingOptions>("Tracing")
            .Validate(o => o.SampleRatio is >= 0 and <= 1, "Tracing:SampleRatio must be between 0 and 1")
            .Validate(o => o.OtlpEndpoint == "" || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _),
                "Tracing:OtlpEndpoint must be an absolute URL")
            .Validate(o => o.ExportIntervalMilliseconds is >= 100 and <= 60_000, "Tracing:ExportIntervalMilliseconds must be 100–60000");
        var options = builder.Configuration.ReadOptions<TracingOptions>("Tracing");
        var endpoint = options.OtlpEndpoint is { Length: > 0 } configured ? configured
            : builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "";
        if (endpoint == "") return;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                .AddAspNetCoreInstrumentation(http => http.Filter = context =>
                    // Probes and scrapes every few seconds would drown the traces that matter.
                    !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation()
                .AddSource(SourceName, "MySqlConnector")
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = new Uri(new Uri(endpoint.TrimEnd('/') + "/"), "v1/traces");
                    otlp.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
                    otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = options.ExportIntervalMilliseconds;
                }));
    }
}
