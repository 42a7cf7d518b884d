using System.Net;
using System.Net.Http.Json;
using Mall.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mall.Tests.Auth;

public sealed class LoginTests(LoginTests.App app) : IClassFixture<LoginTests.App>
{
    /// <summary>A small per-account limit and a per-IP one high enough not to get in the way.</summary>
    public sealed class App() : MallApp(Throttle)
    {
        private static readonly TestHostOption Throttle = TestHostOption.Set(
            ("Auth:Throttle:MaxFailuresPerAccount", "5"),
            ("Auth:Throttle:MaxFailuresPerIp", "1000"));
    }

    [Fact]
    public async Task Browser_login_sets_an_httponly_strict_cookie_scoped_to_auth_and_keeps_the_token_out_of_the_body()
    {
        var shopper = await app.NewShopperAsync();
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = shopper.Password });
        var body = await response.ReadAsync<MallApp.TokenBody>();

        Assert.Equal("Bearer", body.TokenType);
        Assert.InRange(body.ExpiresIn, 890, 900);
        Assert.Null(body.RefreshToken);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("mall_rt=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api/v1/auth", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Native_login_returns_the_refresh_token_in_the_body_and_sets_no_cookie()
    {
        var shopper = await app.NewShopperAsync();
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { account = shopper.Account, password = shopper.Password, client = "native", deviceId = "ios-1" });
        var body = await response.ReadAsync<MallApp.TokenBody>();
        Assert.False(string.IsNullOrEmpty(body.RefreshToken));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Access_token_is_rs256_with_kid_and_the_documented_claims()
    {
        var shopper = await app.NewShopperAsync();
        var token = new JsonWebToken(shopper.AccessToken);
        Assert.Equal("RS256", token.Alg);
        Assert.False(string.IsNullOrEmpty(token.Kid));
        Assert.Equal("mall", token.Issuer);
        Assert.Equal("mall-api", Assert.Single(token.Audiences));
        Assert.Equal(shopper.UserId.ToString(), token.Subject);
        Assert.Equal("shopper", token.GetClaim("role").Value);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.False(string.IsNullOrEmpty(token.GetClaim("sid").Value));
        Assert.Equal(TimeSpan.FromMinutes(15), token.ValidTo - token.IssuedAt);
    }

    [Fact]
    public async Task Unknown_account_and_wrong_password_get_the_same_401()
    {
        var shopper = await app.NewShopperAsync();
        var client = app.CreateClient();
        var wrong = await (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = "wrong-password" }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var unknown = await (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = $"nobody{Guid.NewGuid():N}@x.cn", password = "wrong-password" }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Five_failures_lock_the_account_with_429_and_retry_after_even_for_the_right_password()
    {
        var shopper = await app.NewShopperAsync();
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = "wrong-password" }))
                .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var locked = await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = shopper.Password });
        await locked.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 15 * 60);
    }

    [Fact]
    public async Task Concurrent_guesses_get_exactly_the_allowed_number_of_tries()
    {
        var shopper = await app.NewShopperAsync();
        var client = app.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = "wrong-password" })));
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(15, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_success_whose_address_window_already_expired_leaves_no_counter_behind()
    {
        var ip = $"198.51.100.{Random.Shared.Next(1, 255)}-{Guid.NewGuid():N}";
        // The attempt was counted, then the window expired while the password was being checked.
        await app.Service<Mall.Features.Auth.LoginThrottle>().SucceededAsync(new Mall.Features.Auth.LoginSubject(null, "someone@example.com"), ip);
        Assert.False(await app.Redis.KeyExistsAsync($"auth:fail:ip:{ip}"));
    }

    [Fact]
    public async Task The_account_lock_is_kept_in_redis_so_every_instance_sees_it()
    {
        var shopper = await app.NewShopperAsync();
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = "wrong-password" }))
                .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var counter = await app.Redis.StringGetAsync($"auth:fail:u:{shopper.UserId}");
        Assert.Equal(5, (int)counter);
        Assert.NotNull(await app.Redis.KeyTimeToLiveAsync($"auth:fail:u:{shopper.UserId}"));
    }

    [Fact]
    public async Task A_success_clears_earlier_failures_of_the_account()
    {
        var shopper = await app.NewShopperAsync();
        var client = app.CreateClient();
        for (var i = 0; i < 4; i++)
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = "wrong-password" }))
                .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = shopper.Password })).EnsureSuccessStatusCode();
        for (var i = 0; i < 4; i++)
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = "wrong-password" }))
                .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = shopper.Password })).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData("""{"password":"whatever-1"}""", "account")]
    [InlineData("""{"account":"a@b.cn"}""", "password")]
    [InlineData("""{"account":"a@b.cn","password":"whatever-1","client":"desktop"}""", "client")]
    public async Task Missing_or_invalid_login_fields_are_400(string json, string field)
    {
        var response = await app.CreateClient().PostAsync("/api/v1/auth/login",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.ShouldBeValidationErrorAsync(field);
    }
}

public sealed class IpThrottleTests(IpThrottleTests.App app) : IClassFixture<IpThrottleTests.App>
{
    /// <summary>A small per-address threshold so the rule shows without hundreds of requests; a cheap challenge.</summary>
    public sealed class App() : MallApp(Throttle)
    {
        private static readonly TestHostOption Throttle = TestHostOption.Set(
            ("Auth:Throttle:ChallengeAfterFailuresPerIp", "3"), ("Challenges:LoginDifficulty", "8"));
    }

    /// <summary>A registered account, not signed in (signing in from this busy address asks for a challenge).</summary>
    private async Task<(string Account, string Password, long UserId)> RegisteredAsync()
    {
        var account = $"s{Guid.NewGuid():N}"[..20] + "@test.mall";
        var created = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/register", new { account, password = "correct-horse-42" });
        return (account, "correct-horse-42", (await created.ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.Created)).GetProperty("userId").GetInt64());
    }

    private Task<HttpResponseMessage> LoginAsync(string account, string password, string? challenge = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { account, password, client = "native" }),
        };
        if (challenge is not null) request.Headers.Add("Mall-Challenge", challenge);
        return app.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task Failures_from_one_address_make_its_sign_ins_answer_a_challenge_and_never_lock_out_a_right_password()
    {
        var shopper = await RegisteredAsync();
        for (var i = 0; i < 25; i++)
        {
            // Other tests of this class may already have passed the threshold: the guesser pays from the first guess on.
            var guess = await LoginAsync($"spray{i}{Guid.NewGuid():N}@x.cn", "guess-123", await Challenges.SolvedAsync(app, "login"));
            await guess.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }

        // Another shopper behind the same address: asked for a challenge, never refused outright.
        var asked = await (await LoginAsync(shopper.Account, shopper.Password)).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);
        Assert.Equal("challenge_required", asked.GetProperty("code").GetString());
        Assert.Equal(8, asked.GetProperty("challenge").GetProperty("difficulty").GetInt32());
        (await LoginAsync(shopper.Account, shopper.Password, await Challenges.SolvedAsync(app, "login"))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_challenge_answer_is_accepted_once_and_only_for_its_purpose()
    {
        for (var i = 0; i < 3; i++)
            await (await LoginAsync($"once{i}{Guid.NewGuid():N}@x.cn", "guess-123", await Challenges.SolvedAsync(app, "login"))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var answer = await Challenges.SolvedAsync(app, "login");
        await (await LoginAsync($"a{Guid.NewGuid():N}@x.cn", "guess-123", answer)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await LoginAsync($"b{Guid.NewGuid():N}@x.cn", "guess-123", answer)).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);
        await (await LoginAsync($"c{Guid.NewGuid():N}@x.cn", "guess-123", await Challenges.SolvedAsync(app, "register"))).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);
        await (await LoginAsync($"d{Guid.NewGuid():N}@x.cn", "guess-123", "AAAAAAAAAAAAAAAAAAAAAA:1")).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);
    }

    [Fact]
    public async Task Attempts_answered_locked_are_not_counted_again()
    {
        var shopper = await RegisteredAsync();
        for (var i = 0; i < 5; i++)
            await (await LoginAsync(shopper.Account, "wrong-password", await Challenges.SolvedAsync(app, "login"))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        for (var i = 0; i < 3; i++)
            await (await LoginAsync(shopper.Account, shopper.Password, await Challenges.SolvedAsync(app, "login"))).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(5, (int)await app.Redis.StringGetAsync($"auth:fail:u:{shopper.UserId}"));
    }
}
