using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Conventions;

/// <summary>
/// Hostile input for every slice, generated from the served OpenAPI document (a new endpoint is covered by
/// itself): malformed and mistyped JSON bodies, wrong types, huge and negative numbers, over-long, injection and
/// control-character strings for each body property, bad route values and a wrong content type. Sent as the admin,
/// so every endpoint gets past authorisation to its input handling. Every answer must be below 500, every refusal
/// a problem+json with a status the document lists for that operation, and when every request was refused no row
/// may have been added or removed.
/// </summary>
public sealed class HostileInputTests(MallApp app) : IClassFixture<MallApp>
{
    private static readonly ConditionalWeakTable<MallApp, Task<JsonElement>> Documents = [];

    public static TheoryData<string> Slices() => [.. SourceTree.Slices().Select(s => s.Folder)];

    private static readonly string[] HostileStrings =
    [
        new('x', 100_000), "' OR 1=1; DROP TABLE users; --", "<script>alert(1)</script>", "\u0000\u0001\u001f", "\u202Eevil\uFEFF",
        "😀👨‍👩‍👧‍👦𝒜", "../../etc/passwd", "%s%n%x", "",
    ];

    private static readonly JsonNode?[] HostileNumbers = [JsonValue.Create(-1), JsonValue.Create(0), JsonValue.Create(long.MaxValue),
        JsonNode.Parse("1e309"), JsonNode.Parse("-99999999999999999999999"), JsonValue.Create(1.5), JsonValue.Create("12")];

    private static readonly string[] HostileRouteValues = ["abc", "-1", "0", "99999999999999999999999", "%E2%80%AE", "1%27%20OR%201=1"];

    [Theory]
    [MemberData(nameof(Slices))]
    public async Task Hostile_input_gets_a_documented_4xx_problem_and_never_a_5xx(string folder)
    {
        var slice = SourceTree.Slices().Single(s => s.Folder == folder);
        var route = slice.Route.StartsWith('/') ? slice.Route : "/api/v1/" + (slice.Admin ? "admin/" : "") + slice.Route;
        var document = await Documents.GetValue(app, async a => JsonDocument.Parse(await a.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement);
        var operation = document.GetProperty("paths").GetProperty(route).GetProperty(slice.Verb.ToLowerInvariant());
        var documented = operation.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name)).ToHashSet();
        // The payment providers' callbacks answer in their own wire formats, not problem+json.
        var ownFormat = slice.Route.StartsWith("payments/notify/");

        var admin = await app.SignInAsync("admin@mall.local", "Admin#2026", 0);
        var rowsBefore = await RowCountsAsync();
        var failures = new List<string>();
        var accepted = 0;
        foreach (var (what, request) in Requests(route, slice.Verb, operation, document))
        {
            using var response = await admin.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status < 300) accepted++;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500) failures.Add($"{what}: {status} {Truncate(body)}");
            else if (status >= 400 && !ownFormat && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{what}: {status} without problem+json");
            else if (status >= 400 && !documented.Contains(status) && status != 415)
                failures.Add($"{what}: {status} is not documented ({string.Join(", ", documented.Order())})");
        }
        Assert.True(failures.Count == 0, $"{slice.Verb} {route}:\n" + string.Join("\n", failures));
        // Some odd values are still valid input (a category may be called "<script>", stored as text and shown escaped);
        // where every request was refused, nothing may have been stored.
        if (accepted == 0) Assert.Equal(rowsBefore, await RowCountsAsync());
    }

    private static readonly string[] Tables =
        ["users", "categories", "products", "skus", "addresses", "orders", "order_items", "payments", "seckill_activities", "points_ledger"];

    private async Task<string> RowCountsAsync()
    {
        await using var db = await app.OpenDbAsync();
        var counts = new List<string>();
        foreach (var table in Tables)
            counts.Add($"{table}={await Dapper.SqlMapper.ExecuteScalarAsync<long>(db, $"SELECT COUNT(*) FROM {table}")}");
        return string.Join(", ", counts);
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>The hostile requests for one operation, each with what it tries.</summary>
    private static IEnumerable<(string What, HttpRequestMessage Request)> Requests(string route, string verb, JsonElement operation, JsonElement document)
    {
        var method = new HttpMethod(verb);
        var parameters = RouteParameters(route).ToList();
        string Url(string? hostileParameter = null, string? value = null) =>
            parameters.Aggregate(route, (url, p) => url.Replace("{" + p + "}", p == hostileParameter ? value! : SampleRouteValue(p)));

        foreach (var parameter in parameters)
        foreach (var value in HostileRouteValues)
            yield return ($"route {parameter}={value}", WithBody(new HttpRequestMessage(method, Url(parameter, value)), verb, "{}"));

        if (verb is not ("POST" or "PUT" or "PATCH")) yield break;
        yield return ("malformed JSON", WithBody(new HttpRequestMessage(method, Url()), verb, "{\"a\":"));
        yield return ("a JSON array", WithBody(new HttpRequestMessage(method, Url()), verb, "[1,2]"));
        yield return ("a JSON string", WithBody(new HttpRequestMessage(method, Url()), verb, "\"x\""));
        yield return ("deeply nested JSON", WithBody(new HttpRequestMessage(method, Url()), verb, new string('[', 5000) + new string(']', 5000)));
        yield return ("text/plain", WithBody(new HttpRequestMessage(method, Url()), verb, "{}", "text/plain"));

        var properties = BodyProperties(operation, document).ToList();
        foreach (var (name, type) in properties)
        {
            IEnumerable<JsonNode?> values = type switch
            {
                "integer" or "number" => HostileNumbers,
                "boolean" => [JsonValue.Create("yes"), JsonValue.Create(2)],
                "array" => [JsonValue.Create("not a list"), new JsonArray(Enumerable.Range(0, 10_000).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray())],
                "object" => [JsonValue.Create("not an object"), new JsonArray()],
                _ => HostileStrings.Select(s => (JsonNode?)JsonValue.Create(s)).Append(JsonValue.Create(12345)).Append(new JsonObject()),
            };
            foreach (var value in values)
            {
                var body = new JsonObject { [name] = value?.DeepClone() };
                var shown = value?.ToJsonString() ?? "null";
                yield return ($"{name} = {(shown.Length > 40 ? shown[..40] + "…" : shown)}", WithBody(new HttpRequestMessage(method, Url()), verb, body.ToJsonString()));
            }
        }
    }

    private static HttpRequestMessage WithBody(HttpRequestMessage request, string verb, string body, string contentType = "application/json")
    {
        if (verb is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType));
        return request;
    }

    private static IEnumerable<string> RouteParameters(string route)
    {
        for (var start = route.IndexOf('{'); start >= 0; start = route.IndexOf('{', start + 1))
            yield return route[(start + 1)..route.IndexOf('}', start)];
    }

    private static string SampleRouteValue(string parameter) => parameter switch
    {
        "orderNo" => "N20260101000000000001",
        "paymentNo" => "P20260101000000000001",
        "reservationId" => "1-1764059000000-0",
        _ => "1",
    };

    /// <summary>The JSON body's properties and their types, from the operation's request schema.</summary>
    private static IEnumerable<(string Name, string Type)> BodyProperties(JsonElement operation, JsonElement document)
    {
        if (!operation.TryGetProperty("requestBody", out var body) || !body.GetProperty("content").TryGetProperty("application/json", out var json))
            yield break;
        var schema = Resolve(json.GetProperty("schema"), document);
        if (!schema.TryGetProperty("properties", out var properties)) yield break;
        foreach (var property in properties.EnumerateObject())
        {
            var resolved = Resolve(property.Value, document);
            var type = resolved.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.Array ? t[0].GetString()! : t.GetString()! : "object";
            yield return (property.Name, type);
        }
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement document)
    {
        while (true)
        {
            if (schema.TryGetProperty("$ref", out var reference))
                schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
            else if (schema.TryGetProperty("oneOf", out var oneOf)) schema = oneOf[0];
            else if (schema.TryGetProperty("allOf", out var allOf)) schema = allOf[0];
            else return schema;
        }
    }
}
