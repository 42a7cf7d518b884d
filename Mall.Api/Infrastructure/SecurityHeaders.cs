using Microsoft.Net.Http.Headers;

namespace Mall.Infrastructure;

public static class SecurityHeaders
{
    /// <summary>
    /// Every answer says what it is (<c>X-Content-Type-Options: nosniff</c>: a browser never sniffs an answer into a
    /// script or a page), and API answers are personal or live, so no cache keeps them (<c>Cache-Control: no-store</c>)
    /// unless the endpoint says otherwise (the JWKS sets its own). Set before the endpoint runs — no per-request
    /// callback on the hot paths; the problem-details writer sets them again after an exception cleared the response.
    /// </summary>
    public static void UseMallSecurityHeaders(this WebApplication app) => app.Use((http, next) =>
    {
        Apply(http);
        return next(http);
    });

    public static void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (http.Request.Path.StartsWithSegments("/api") && !headers.ContainsKey(HeaderNames.CacheControl))
            headers.CacheControl = "no-store";
    }
}
