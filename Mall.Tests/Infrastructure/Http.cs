using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mall.Tests.Infrastructure;

public static class Http
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Asserts an RFC 9457 problem with the status, a trace id and a stable code; returns the parsed body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.Matches("^[a-z_]+(\\.[a-z_]+)*$", problem.GetProperty("code").GetString());
        return problem;
    }

    /// <summary>
    /// Asserts the 404 an endpoint answers for a missing resource: a problem whose detail is "<paramref name="what"/> was
    /// not found.". A route that does not exist is a 404 problem too (the framework's, without a detail), so a bare
    /// 404 check would pass on a route that was lost; this one fails.
    /// </summary>
    public static async Task ShouldBeNotFoundAsync(this HttpResponseMessage response, string what)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.True(problem.TryGetProperty("detail", out var detail),
            $"A 404 without a detail comes from routing (no such route), not from the endpoint: {problem}");
        Assert.Equal($"{what} was not found.", detail.GetString());
    }

    /// <summary>Asserts a 503 problem that asks the client to retry after one second (a dependency is briefly unreachable).</summary>
    public static async Task ShouldAskToRetrySoonAsync(this HttpResponseMessage response)
    {
        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    /// <summary>Asserts a 400 whose <c>errors</c> names the field.</summary>
    public static async Task ShouldBeValidationErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"No error for '{field}': {problem}");
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>Polls until the condition holds or the deadline passes (tests never sleep a fixed time).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        var delay = TimeSpan.FromMilliseconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Condition not met in time{(because is null ? "" : ": " + because)}.");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }
}
