using System.Security.Claims;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Mall.Infrastructure;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog, compact JSON on stdout. Trace and span ids come from the current Activity on every event. Stdout is
    /// written in batches every 100 ms (<see cref="BatchedConsoleSink"/>): a synchronous console sink serialises every
    /// request on its lock, and an asynchronous one wakes its writer for every line.
    /// </summary>
    public static void AddMallLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("MySqlConnector", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new BatchedConsoleSink(new CompactJsonFormatter(), TimeSpan.FromMilliseconds(100))));
    }

    /// <summary>
    /// One summary event per request (method, route, status, elapsed, request id, client address, user id). Endpoints marked
    /// <see cref="QuietRequestLog"/> (the seckill hot path, the catalog's cached reads) log their successes at Debug only.
    /// </summary>
    public static void UseMallRequestLogging(this WebApplication app)
    {
        // Without a logger of its own the middleware derives one from the static Log for every request, quiet ones included.
        var requestLogger = app.Services.GetRequiredService<Serilog.ILogger>()
            .ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Serilog.AspNetCore.RequestLoggingMiddleware");
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = requestLogger;
            options.GetLevel = (http, _, exception) =>
                // 503: a dependency was briefly unreachable and the client was asked to retry; not a bug of ours.
                exception is null && http.Response.StatusCode == StatusCodes.Status503ServiceUnavailable ? LogEventLevel.Warning
                : exception is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : http.GetEndpoint()?.Metadata.GetMetadata<QuietRequestLog>() is not null ? LogEventLevel.Debug
                : LogEventLevel.Information;
            options.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("RequestId", http.TraceIdentifier);
                diagnostics.Set("ClientAddress", http.Connection.RemoteIpAddress?.ToString());
                var userId = http.User.FindFirstValue("sub");
                if (userId is not null) diagnostics.Set("UserId", userId);
            };
        });
    }
}

/// <summary>Endpoint metadata: log this endpoint's successful requests at Debug (hot paths).</summary>
public sealed class QuietRequestLog;
