using System.Collections.Concurrent;
using System.Diagnostics;
using Prometheus;

namespace Mall.Infrastructure;

/// <summary>
/// <c>http_request_duration_seconds</c>: every answer's duration by status code, method and route pattern (its
/// <c>_count</c> is the request count the 5xx alert and the dashboard read). Its labels are bounded whatever a client
/// sends: route patterns, never paths, and methods outside HTTP's own set count as <c>OTHER</c>. prometheus-net's
/// middleware labels the method as sent, so each made-up method (nginx and Kestrel pass any token) added 19 series
/// to the API's memory and to Prometheus: a client could grow them without end. Children are found by the endpoint
/// object, method and status, each combination built once, instead of a label array per request.
/// </summary>
public static class HttpRequestDurations
{
    private static readonly Histogram Duration = Metrics.CreateHistogram("http_request_duration_seconds",
        "The duration of HTTP requests processed by the API, by status code, method and route pattern.",
        new HistogramConfiguration
        {
            LabelNames = ["code", "method", "endpoint"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 16),
        });

    private static readonly ConcurrentDictionary<(Endpoint? Endpoint, string Method, int Status), Histogram.Child> Children = new();

    public static void UseHttpRequestDurations(this IApplicationBuilder app) => app.Use(static async (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError; // what the server answers when an exception escapes the pipeline
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            ChildFor(context.GetEndpoint(), context.Request.Method, status).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    });

    private static Histogram.Child ChildFor(Endpoint? endpoint, string method, int status) =>
        Children.TryGetValue((endpoint, method, status), out var child) ? child
        : Children.GetOrAdd((endpoint, KnownMethod(method), status), static key => Duration.WithLabels(
            key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), key.Method,
            (key.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? ""));

    private static string KnownMethod(string method) => HttpMethods.GetCanonicalizedValue(method) is var known
        && (HttpMethods.IsGet(known) || HttpMethods.IsPost(known) || HttpMethods.IsPut(known) || HttpMethods.IsDelete(known)
            || HttpMethods.IsPatch(known) || HttpMethods.IsHead(known) || HttpMethods.IsOptions(known))
        ? known : "OTHER";
}
