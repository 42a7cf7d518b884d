using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Conventions;

/// <summary>
/// Every slice, by its route in the source: the running API answers it (a missing route fails), refuses what it
/// must (anonymous → 401 on a protected endpoint, a shopper → 403 on an admin one, both as problem+json), and the
/// served OpenAPI document describes it the same way — its own problems with the bodies the API really sends, and
/// 401/403 worded once for all.
/// </summary>
public sealed class EndpointContractTests(MallApp app) : IClassFixture<MallApp>
{
    private static readonly ConditionalWeakTable<MallApp, Task<Shopper>> Shoppers = [];
    private static readonly ConditionalWeakTable<MallApp, Task<JsonElement>> Documents = [];

    public static TheoryData<string> Slices() => [.. SourceTree.Slices().Select(s => s.Folder)];

    [Theory]
    [MemberData(nameof(Slices))]
    public async Task Anonymous_callers_get_401_from_every_protected_endpoint(string folder)
    {
        var slice = SourceTree.Slices().Single(s => s.Folder == folder);
        using var response = await app.CreateClient().SendAsync(RequestTo(slice));
        if (slice.Anonymous)
        {
            // The endpoint ran: no bearer challenge, and no 404/405 from routing (a 404 of its own carries a detail).
            Assert.Empty(response.Headers.WwwAuthenticate);
            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.True(response.StatusCode != HttpStatusCode.NotFound || await IsOwnProblemAsync(response),
                $"{slice.Verb} {RouteOf(slice)}: no such route");
        }
        else
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Theory]
    [MemberData(nameof(Slices))]
    public async Task Shoppers_get_403_from_admin_endpoints_and_are_let_through_elsewhere(string folder)
    {
        var slice = SourceTree.Slices().Single(s => s.Folder == folder);
        // Signing out ends the session its token belongs to: that slice gets a shopper of its own.
        var shopper = folder == "Features/Auth/Logout" ? await app.NewShopperAsync() : await Shoppers.GetValue(app, a => a.NewShopperAsync());
        using var response = await shopper.Client.SendAsync(RequestTo(slice));
        if (slice.Admin) await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        else
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.True(response.StatusCode != HttpStatusCode.NotFound || await IsOwnProblemAsync(response),
                $"{slice.Verb} {RouteOf(slice)}: no such route");
        }
    }

    [Theory]
    [MemberData(nameof(Slices))]
    public async Task The_openapi_document_describes_each_endpoint_and_its_problem_answers(string folder)
    {
        var slice = SourceTree.Slices().Single(s => s.Folder == folder);
        var document = await Documents.GetValue(app, async a => JsonDocument.Parse(await a.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement);
        Assert.True(document.GetProperty("paths").TryGetProperty(RouteOf(slice), out var path), $"{RouteOf(slice)} is not in the document");
        Assert.True(path.TryGetProperty(slice.Verb.ToLowerInvariant(), out var operation), $"{slice.Verb} {RouteOf(slice)} is not in the document");
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));

        var responses = operation.GetProperty("responses");
        Assert.Contains(responses.EnumerateObject(), r => r.Name.StartsWith('2'));
        if (!slice.Anonymous)
            Assert.StartsWith(AuthorizationAnswersNotSignedIn, Described(responses.GetProperty("401")));
        Assert.Equal(slice.Admin, responses.TryGetProperty("403", out var forbidden) && Described(forbidden) == AuthorizationAnswersForbidden);
        foreach (var problem in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
        {
            Assert.False(string.IsNullOrWhiteSpace(Described(problem.Value)), $"{problem.Name} has no description");
            // Payment notifications answer in the provider's own wire format, not problem+json.
            if (slice.Route.StartsWith("payments/notify/")) continue;
            var schema = problem.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString();
            Assert.Equal(problem.Name == "400" ? "#/components/schemas/ValidationProblemBody" : "#/components/schemas/ProblemBody", schema);
        }
    }

    private const string AuthorizationAnswersNotSignedIn = "Not signed in, or the access token is expired or revoked.";
    private const string AuthorizationAnswersForbidden = "Signed in, but without the role this endpoint needs.";

    private static string? Described(JsonElement response) => response.TryGetProperty("description", out var d) ? d.GetString() : null;

    private static string RouteOf(SourceTree.Slice slice) =>
        slice.Route.StartsWith('/') ? slice.Route : "/api/v1/" + (slice.Admin ? "admin/" : "") + slice.Route;

    /// <summary>A request on the slice's route with sample route values and an empty JSON body.</summary>
    private static HttpRequestMessage RequestTo(SourceTree.Slice slice)
    {
        var url = RouteOf(slice).Replace("{orderNo}", "N20260101000000000001").Replace("{paymentNo}", "P20260101000000000001")
            .Replace("{reservationId}", "00000000000000000000000000").Replace("{id}", "1").Replace("{skuId}", "1");
        var request = new HttpRequestMessage(new HttpMethod(slice.Verb), url);
        if (slice.Verb is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>A 404 or 401 the slice answers itself (no such order, bad credentials) is a problem document with a detail.</summary>
    private static async Task<bool> IsOwnProblemAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return false;
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return problem.TryGetProperty("detail", out var detail) && !string.IsNullOrEmpty(detail.GetString());
    }
}
