using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mall.Infrastructure;

public static class JsonResponses
{
    /// <summary>
    /// Response DTOs are serialised to bytes first and sent with a Content-Length. FastEndpoints' default streams
    /// them with chunked encoding, which ends every response with a second write (the terminating chunk): two
    /// sends per answer on the server, two reads for the client. Our answers are small JSON documents (a page of a
    /// listing at most), so buffering them costs less than the extra round through the kernel.
    /// </summary>
    public static Func<HttpResponse, object?, string, JsonSerializerContext?, CancellationToken, Task> WithContentLength(
        JsonSerializerOptions options) => (response, dto, contentType, context, ct) =>
    {
        var type = dto?.GetType() ?? typeof(object);
        var body = context is null ? JsonSerializer.SerializeToUtf8Bytes(dto, type, options) : JsonSerializer.SerializeToUtf8Bytes(dto, type, context);
        // As FastEndpoints' own writer does: the charset goes on the content type.
        response.ContentType = contentType.Contains("charset=", StringComparison.OrdinalIgnoreCase) ? contentType : contentType + "; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, ct).AsTask();
    };
}
