using System.Net;
using System.Net.Http.Json;
using System.Text;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Host;

/// <summary>What every answer carries, what a client may claim about itself, and bodies some clients send without meaning to.</summary>
public sealed class EdgeTests(MallApp app) : IClassFixture<MallApp>
{
    [Theory]
    [InlineData("/api/v1/products/{product}")]
    [InlineData("/api/v1/products")]
    [InlineData("/api/v1/categories")]
    [InlineData("/api/v1/orders")]
    public async Task A_GET_with_a_JSON_content_type_and_no_body_is_answered_like_any_GET(string route)
    {
        // WeChat mini-program clients send this header on every request.
        var product = await app.ProductAsync(stock: 5);
        var shopper = await app.FastShopperAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, route.Replace("{product}", product[0].ProductId.ToString()))
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new("application/json") } },
        };
        using var response = await shopper.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task API_answers_are_never_sniffed_nor_cached_unless_the_endpoint_says_so()
    {
        var shopper = await app.FastShopperAsync();
        foreach (var response in new[]
                 {
                     await shopper.Client.GetAsync("/api/v1/me"),
                     await app.CreateClient().GetAsync("/api/v1/me"), // a 401 problem
                     await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { }), // a 400 problem
                 })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri}: {response.Headers.CacheControl}");
        }

        var jwks = await app.CreateClient().GetAsync("/.well-known/jwks.json");
        Assert.Equal("nosniff", jwks.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(TimeSpan.FromMinutes(5), jwks.Headers.CacheControl?.MaxAge);
    }
}

/// <summary>
/// Who the API believes a client is. The in-process server has no connection address, so a startup filter gives each
/// request the one the test names (X-Test-Connection-Address): a client connecting from elsewhere than a named proxy
/// (loopback here) keeps its own address whatever X-Forwarded-For says; the named proxy's word is taken, one hop.
/// </summary>
public sealed class ClientAddressTests(ClientAddressTests.App app) : IClassFixture<ClientAddressTests.App>
{
    public sealed class App() : MallApp(TestHost.ConnectionAddressFromHeader);

    [Theory]
    [InlineData("198.51.100.1", "203.0.113.77", "198.51.100.1")]            // not a proxy: its own address
    [InlineData("127.0.0.1", "203.0.113.78", "203.0.113.78")]               // the local nginx: what it saw
    [InlineData("127.0.0.1", "203.0.113.1, 203.0.113.79", "203.0.113.79")]  // one hop only: the proxy's own entry
    public async Task The_per_address_sign_in_counter_counts_the_address_the_API_believes(string connection, string forwardedFor, string counted)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { account = $"nobody-{Guid.NewGuid():N}@test.mall", password = "wrong-password-1" }),
            Headers = { { TestHost.ConnectionAddressHeader, connection }, { "X-Forwarded-For", forwardedFor } },
        };
        using var response = await app.CreateClient().SendAsync(request);
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.True(await app.Redis.KeyExistsAsync($"auth:fail:ip:{counted}"), $"no failure counted for {counted}");
        foreach (var other in forwardedFor.Split(", ").Append(connection).Where(a => a != counted))
            Assert.False(await app.Redis.KeyExistsAsync($"auth:fail:ip:{other}"), $"a failure was counted for {other}");
    }
}

public sealed class AlipayNotificationBodyTests(PaymentsApp app) : IClassFixture<PaymentsApp>
{
    public static TheoryData<string, string> Bodies() => new()
    {
        { "application/json", """{"trade_status":"TRADE_SUCCESS"}""" },
        { "text/plain", "trade_status=TRADE_SUCCESS" },
        { "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n" },
        { "application/x-www-form-urlencoded", "%%%=%%%&a" },
        { "multipart/form-data; boundary=x", "not multipart at all" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_notification_that_is_not_a_signed_form_is_refused_with_fail(string contentType, string body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await app.CreateClient().PostAsync("/api/v1/payments/notify/alipay", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("fail", await response.Content.ReadAsStringAsync());
    }
}
