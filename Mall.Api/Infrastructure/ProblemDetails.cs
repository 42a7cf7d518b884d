using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Infrastructure;

/// <summary>
/// RFC 9457 for every error: validation failures (400 with <c>errors</c>, field → messages), the problems slices
/// return on purpose (<see cref="Problem"/>), empty 401/403/404/405 from the framework, and unhandled exceptions
/// (500 with a trace id, never a stack trace) — except a briefly unreachable Redis or MySQL, which is neither the
/// client's fault nor a bug: 503 with Retry-After, so clients (and the SPA) simply try again.
/// </summary>
public static class ProblemDetailsExtensions
{
    public static void AddMallProblemDetails(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = TraceId(context.HttpContext);
            // Every problem names itself with a stable code clients may switch on (and localise by); the framework's
            // own answers (empty 401/404/405, 500) get the one their status implies.
            context.ProblemDetails.Extensions.TryAdd("code", Problem.CodeOfStatus(context.ProblemDetails.Status ?? 500));
            SecurityHeaders.Apply(context.HttpContext);
            // The exception handler clears the endpoint before it answers; put back the one that failed, so the request
            // log and the HTTP metrics (which wrap the handler) name its route.
            if (context.HttpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint is { } failed) context.HttpContext.SetEndpoint(failed);
            if (context.Exception is { } exception && IsDependencyOutage(exception))
            {
                // Not logged as an unhandled error (suppressed below): one warning says what was unreachable.
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mall.Dependencies")
                    .LogWarning("Answered 503: {Dependency} unreachable ({Message})", exception is MySqlException ? "MySQL" : "Redis", exception.Message);
                Problem.AskToRetrySoon(context.HttpContext);
                context.ProblemDetails.Status = StatusCodes.Status503ServiceUnavailable;
                context.ProblemDetails.Extensions["code"] = "service.unavailable";
                context.ProblemDetails.Detail = null;
            }
            else if (context.Exception is not null && context.ProblemDetails.Status == StatusCodes.Status500InternalServerError)
                context.ProblemDetails.Detail = null;
            Localize(context.ProblemDetails, context.HttpContext);
        });
        // Oversized or malformed requests surface as BadHttpRequestException; they are the client's fault.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes(builder.Configuration));
    }

    /// <summary>
    /// Words the problem in the caller's language by its code. A code a slice named has its own texts in both
    /// languages; a status-implied one (<c>not_found</c>) keeps the slice's English words for English callers and gets
    /// the status's general Chinese words otherwise.
    /// </summary>
    private static void Localize(Microsoft.AspNetCore.Mvc.ProblemDetails problem, HttpContext http)
    {
        if (problem.Extensions["code"] is not string code) return;
        var status = problem.Status ?? 500;
        var statusImplied = code == Problem.CodeOfStatus(status);
        var english = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        if (statusImplied && english && problem.Detail is not null) return;
        var texts = http.RequestServices.GetRequiredService<ProblemTexts>();
        var args = problem.Extensions.TryGetValue("args", out var a) ? a as IReadOnlyDictionary<string, object?> : null;
        if ((!statusImplied || !english) && texts.Title(code) is { } title) problem.Title = title;
        if (texts.Detail(code, args) is { } detail) problem.Detail = detail;
        // A handler's own field check (Problem.Invalid) words its field message by its code.
        if (problem is HttpValidationProblemDetails validation && problem.Extensions.TryGetValue("fieldCode", out var f)
            && f is string fieldCode && texts.Detail(fieldCode, args) is { } message)
        {
            foreach (var field in validation.Errors.Keys.ToList()) validation.Errors[field] = [message];
            problem.Detail = message;
        }
    }

    private static long MaxBodyBytes(IConfiguration configuration) =>
        configuration.GetValue<long?>("Kestrel:MaxRequestBodyBytes") ?? 1024 * 1024;

    public static void UseMallProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when IsDependencyOutage(exception) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException || IsDependencyOutage(context.Exception),
        });
        app.UseStatusCodePages();

        // Kestrel enforces the limit while reading; answering early on Content-Length gives the same 413 as a
        // problem document, and holds behind any server (the test host has no Kestrel).
        // Clients such as WeChat mini-programs send "Content-Type: application/json" on every request, GETs without a
        // body included; a content type with no content would make the JSON binder fail the request.
        app.Use((http, next) =>
        {
            if (http.Request.ContentLength is null or 0 && !http.Request.Headers.ContainsKey(HeaderNames.TransferEncoding)
                && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsDelete(http.Request.Method)))
                http.Request.ContentType = null;
            return next(http);
        });

        // An endpoint may allow more (an image upload, ConfiguredBodyLimit): here and in Kestrel's own count.
        var defaultMaxBodyBytes = MaxBodyBytes(app.Configuration);
        app.Use((http, next) =>
        {
            var maxBodyBytes = defaultMaxBodyBytes;
            if (http.GetEndpoint()?.Metadata.GetMetadata<ConfiguredBodyLimit>() is { } configured)
            {
                maxBodyBytes = configured.Resolve(app.Configuration);
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel) kestrel.MaxRequestBodySize = maxBodyBytes;
            }
            return http.Request.ContentLength > maxBodyBytes
                ? Problem.Of(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"The request body may not exceed {maxBodyBytes} bytes.", code: "request.too_large", args: new Dictionary<string, object?> { ["max"] = maxBodyBytes }).ExecuteAsync(http)
                : next(http);
        });
    }

    /// <summary>Redis unreachable or timing out, or a MySQL error its driver calls transient (connection lost, deadlock, lock wait).</summary>
    public static bool IsDependencyOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        MySqlException mysql => mysql.IsTransient,
        _ => false,
    };

    public static string TraceId(HttpContext http) => Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
}

/// <summary>
/// Endpoint metadata: this endpoint takes bodies up to the size a setting names (plus <paramref name="OverheadBytes"/>)
/// instead of Kestrel:MaxRequestBodyBytes. Read per request, so each host reads its own configuration.
/// </summary>
public sealed record ConfiguredBodyLimit(string Setting, long DefaultBytes, long OverheadBytes)
{
    public long Resolve(IConfiguration configuration) => (configuration.GetValue<long?>(Setting) ?? DefaultBytes) + OverheadBytes;
}

/// <summary>Builds the problem responses slices send for expected outcomes (404, 409, 429, …).</summary>
public static class Problem
{
    /// <summary>
    /// A problem answer. <paramref name="code"/> is its stable name (dotted, lower case: <c>product.version_conflict</c>)
    /// for clients to switch on; without one the answer carries the code its status implies (<see cref="CodeOfStatus"/>).
    /// </summary>
    /// <param name="args">Values the code's texts name (<c>{max}</c>); sent as <c>args</c> for clients that word it themselves.</param>
    public static IResult Of(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null, string? code = null,
        IReadOnlyDictionary<string, object?>? args = null)
    {
        if (code is not null || args is not null)
        {
            extensions = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>());
            if (code is not null) extensions["code"] = code;
            if (args is not null) extensions["args"] = args;
        }
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    public static IResult NotFound(string what, string? code = null, IReadOnlyDictionary<string, object?>? args = null) =>
        Of(StatusCodes.Status404NotFound, "Not found", $"{what} was not found.", code: code, args: args);

    public static IResult Conflict(string detail, string? code = null, IReadOnlyDictionary<string, object?>? args = null) =>
        Of(StatusCodes.Status409Conflict, "Conflict", detail, code: code, args: args);

    /// <summary>The code of a problem nobody named more precisely: its status as a word (<c>not_found</c>, <c>conflict</c>).</summary>
    public static string CodeOfStatus(int status) => status switch
    {
        400 => "validation_failed",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        410 => "gone",
        412 => "precondition_failed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        425 => "too_early",
        428 => "precondition_required",
        429 => "too_many_requests",
        502 => "bad_gateway",
        503 => "unavailable",
        _ when status >= 500 => "internal_error",
        _ => "error",
    };

    public static IResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail, string? code = null)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        return Of(StatusCodes.Status429TooManyRequests, "Too many requests", detail, code: code);
    }

    public const string UnavailableTitle = "Temporarily unavailable";

    /// <summary>A 503 the client should simply retry (Retry-After: 1): a dependency is briefly unreachable.</summary>
    public static IResult Unavailable(HttpContext http, string detail)
    {
        AskToRetrySoon(http);
        return Of(StatusCodes.Status503ServiceUnavailable, UnavailableTitle, detail);
    }

    public static void AskToRetrySoon(HttpContext http) => http.Response.Headers.RetryAfter = "1";

    public static IResult Unauthorized(string detail, string? code = null) => Of(StatusCodes.Status401Unauthorized, "Unauthorized", detail, code: code);

    /// <summary>
    /// A 400 shaped like a validation failure, for checks that can only run inside the handler. With a
    /// <paramref name="code"/>, the field's message is that code's detail in the caller's language.
    /// </summary>
    public static IResult Invalid(string field, string message, string? code = null, IReadOnlyDictionary<string, object?>? args = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (code is not null) extensions["fieldCode"] = code;
        if (args is not null) extensions["args"] = args;
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            title: "One or more validation errors occurred.", extensions: extensions);
    }
}
