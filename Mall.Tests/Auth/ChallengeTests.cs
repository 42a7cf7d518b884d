using System.Net;
using System.Net.Http.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Auth;

/// <summary>Registration from one address: a few freely, then each behind a challenge, then a pause.</summary>
public sealed class RegistrationThrottleTests(RegistrationThrottleTests.App app) : IClassFixture<RegistrationThrottleTests.App>
{
    public sealed class App() : MallApp(TestHostOption.Set(
        ("Auth:Registration:ChallengeAfterPerIp", "2"), ("Auth:Registration:MaxPerIp", "4"), ("Challenges:RegisterDifficulty", "8")));

    private Task<HttpResponseMessage> RegisterAsync(string? challenge = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/register")
        {
            Content = JsonContent.Create(new { account = $"bot{Guid.NewGuid():N}"[..20] + "@test.mall", password = "correct-horse-42" }),
        };
        if (challenge is not null) request.Headers.Add("Mall-Challenge", challenge);
        return app.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task A_burst_of_accounts_from_one_address_pays_per_account_and_then_waits()
    {
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync()).StatusCode);

        var asked = await (await RegisterAsync()).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);
        Assert.Equal("register", asked.GetProperty("challenge").GetProperty("purpose").GetString());
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(await Challenges.SolvedAsync(app, "register"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(await Challenges.SolvedAsync(app, "register"))).StatusCode);

        var closed = await RegisterAsync(await Challenges.SolvedAsync(app, "register"));
        await closed.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(closed.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}

/// <summary>The challenge endpoint and a seckill activity that asks for proof of work before each token.</summary>
public sealed class SeckillChallengeTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    [Theory]
    [InlineData("""{"purpose":"mine"}""", "purpose")]
    [InlineData("""{"purpose":"seckill"}""", "activityId")]
    [InlineData("""{"purpose":"login","activityId":3}""", "activityId")]
    public async Task Bad_challenge_requests_are_400(string body, string field) =>
        await (await app.CreateClient().PostAsync("/api/v1/challenges", new StringContent(body, System.Text.Encoding.UTF8, "application/json")))
            .ShouldBeValidationErrorAsync(field);

    [Fact]
    public async Task A_challenge_for_an_unknown_activity_is_404_and_one_without_proof_of_work_asks_nothing()
    {
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/challenges", new { purpose = "seckill", activityId = 987654321 }))
            .ShouldBeNotFoundAsync("The activity");
        var free = await app.CreateActivityAsync(stock: 5);
        var issued = await (await app.CreateClient().PostAsJsonAsync("/api/v1/challenges", new { purpose = "seckill", activityId = free }))
            .ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal(0, issued.GetProperty("difficulty").GetInt32());
        Assert.False(issued.TryGetProperty("challengeId", out _));
    }

    [Fact]
    public async Task An_activity_with_challenge_bits_gives_a_token_only_for_a_fresh_answer_to_its_own_challenge()
    {
        var activity = await app.CreateActivityAsync(stock: 5, challengeBits: 10);
        var other = await app.CreateActivityAsync(stock: 5, challengeBits: 10);
        var buyer = await app.BuyerAsync();
        var client = app.CreateClient();

        var asked = await (await client.RequestTokenAsync(buyer, activity)).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);
        Assert.Equal(10, asked.GetProperty("challenge").GetProperty("difficulty").GetInt32());
        Assert.Equal(activity, asked.GetProperty("challenge").GetProperty("activityId").GetInt64());

        var answer = await Challenges.SolvedAsync(app, "seckill", activity);
        Assert.Equal(HttpStatusCode.OK, (await TokenWith(client, buyer, activity, answer)).StatusCode);
        await (await TokenWith(client, buyer, activity, answer)).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired); // used
        await (await TokenWith(client, buyer, activity, await Challenges.SolvedAsync(app, "seckill", other)))
            .ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired); // another activity's

        var token = await (await TokenWith(client, buyer, activity, await Challenges.SolvedAsync(app, "seckill", activity))).ReadAsync<TokenBody>();
        Assert.Equal(HttpStatusCode.Accepted, (await client.AttemptAsync(buyer, activity, token.Token)).StatusCode);
    }

    private static Task<HttpResponseMessage> TokenWith(HttpClient client, Buyer buyer, long activityId, string answer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/seckill/activities/{activityId}/token");
        request.Headers.Authorization = new("Bearer", buyer.AccessToken);
        request.Headers.Add("Mall-Challenge", answer);
        return client.SendAsync(request);
    }

    private sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);
}
