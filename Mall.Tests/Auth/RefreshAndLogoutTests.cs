using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Auth;

/// <summary>Rotation with the reuse grace off (strict): any replay of a rotated token is reuse. The grace has its own tests.</summary>
public sealed class StrictRefreshApp() : MallApp(NoReuseGrace)
{
    private static readonly TestHostOption NoReuseGrace = TestHostOption.Set(("Auth:RefreshReuseGraceSeconds", "0"));
}

public sealed class RefreshAndLogoutTests(StrictRefreshApp app) : IClassFixture<StrictRefreshApp>
{
    private Task<HttpResponseMessage> Refresh(string? token) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token });

    [Fact]
    public async Task Refresh_rotates_the_token_and_the_new_access_token_works()
    {
        var shopper = await app.NewShopperAsync();
        var body = await (await Refresh(shopper.RefreshToken)).ReadAsync<MallApp.TokenBody>();
        Assert.NotEqual(shopper.RefreshToken, body.RefreshToken);

        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.AccessToken);
        var me = await (await client.GetAsync("/api/v1/me")).ReadAsync<MeBody>();
        Assert.Equal(shopper.UserId, me.Id);

        // The rotated token keeps working for one more turn.
        var next = await (await Refresh(body.RefreshToken)).ReadAsync<MallApp.TokenBody>();
        Assert.NotEqual(body.RefreshToken, next.RefreshToken);
    }

    [Fact]
    public async Task Reusing_a_rotated_token_revokes_the_whole_family()
    {
        var shopper = await app.NewShopperAsync();
        var second = await (await Refresh(shopper.RefreshToken)).ReadAsync<MallApp.TokenBody>();

        var replay = await Refresh(shopper.RefreshToken);
        var problem = await replay.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("already used", problem.GetProperty("detail").GetString());

        // The legitimate holder of the newest token is signed out too.
        await (await Refresh(second.RefreshToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_login_is_a_separate_family_and_survives_a_reuse_elsewhere()
    {
        var shopper = await app.NewShopperAsync();
        var other = await app.SignInAsync(shopper.Account, shopper.Password, shopper.UserId);
        var rotated = await (await Refresh(shopper.RefreshToken)).ReadAsync<MallApp.TokenBody>();

        // Reuse of the rotated token is detected and answered as such, and it revokes the first family...
        var reuse = await Refresh(shopper.RefreshToken);
        var problem = await reuse.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("already used", problem.GetProperty("detail").GetString());
        await (await Refresh(rotated.RefreshToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        // ...but not the other login's family, which still rotates.
        var survivor = await (await Refresh(other.RefreshToken)).ReadAsync<MallApp.TokenBody>();
        Assert.NotEqual(other.RefreshToken, survivor.RefreshToken);
    }

    [Fact]
    public async Task Browser_refresh_uses_the_cookie_and_rotates_it()
    {
        var shopper = await app.NewShopperAsync();
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { account = shopper.Account, password = shopper.Password })).EnsureSuccessStatusCode();

        var refreshed = await client.PostAsync("/api/v1/auth/refresh", null);
        var body = await refreshed.ReadAsync<MallApp.TokenBody>();
        Assert.Null(body.RefreshToken);
        Assert.StartsWith("mall_rt=", Assert.Single(refreshed.Headers.GetValues("Set-Cookie")));
        (await client.PostAsync("/api/v1/auth/refresh", null)).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("刷新令牌.🙂")]
    public async Task Missing_or_unknown_refresh_tokens_are_401(string? token)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token });
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_refresh_family_is_401()
    {
        var shopper = await app.NewShopperAsync();
        var family = shopper.RefreshToken[..shopper.RefreshToken.IndexOf('.')];
        await app.Redis.KeyDeleteAsync($"auth:rt:{{{family}}}"); // what the 7-day TTL does
        await (await Refresh(shopper.RefreshToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_tokens_are_stored_hashed()
    {
        var shopper = await app.NewShopperAsync();
        var family = shopper.RefreshToken[..shopper.RefreshToken.IndexOf('.')];
        var secret = shopper.RefreshToken[(shopper.RefreshToken.IndexOf('.') + 1)..];
        var stored = await app.Redis.HashGetAllAsync($"auth:rt:{{{family}}}");
        Assert.NotEmpty(stored);
        Assert.DoesNotContain(stored, e => e.Value.ToString().Contains(secret) || e.Name.ToString().Contains(secret));
        Assert.Equal(shopper.UserId, (long)stored.Single(e => e.Name == "user").Value);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_family_and_denylists_the_access_token()
    {
        var shopper = await app.NewShopperAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await shopper.Client.PostAsync("/api/v1/auth/logout", null)).StatusCode);

        await (await shopper.Client.GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await Refresh(shopper.RefreshToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var denied = await app.Redis.SortedSetScoreAsync("auth:denylist", new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(shopper.AccessToken).Id);
        Assert.NotNull(denied);
    }

    [Fact]
    public async Task Logout_needs_a_valid_access_token()
    {
        await (await app.CreateClient().PostAsync("/api/v1/auth/logout", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Me_returns_the_profile_and_admin_has_the_admin_role()
    {
        var shopper = await app.NewShopperAsync();
        var me = await (await shopper.Client.GetAsync("/api/v1/me")).ReadAsync<MeBody>();
        Assert.Equal(shopper.Account, me.Account);
        Assert.Equal(["shopper"], me.Roles);
        Assert.Equal(0, me.Points);

        var admin = await app.AdminAsync();
        var adminMe = await (await admin.Client.GetAsync("/api/v1/me")).ReadAsync<MeBody>();
        Assert.Equal(["admin"], adminMe.Roles);
    }

    private sealed record MeBody(long Id, string Account, string Nickname, string[] Roles, long Points);
}

/// <summary>A denylisted token is refused by another API instance too (it hears the logout over pub/sub).</summary>
public sealed class DenylistAcrossInstancesTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task A_token_revoked_on_one_instance_is_refused_by_another()
    {
        var shopper = await app.NewShopperAsync();
        await using var second = new PeerInstance(app);
        var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", shopper.AccessToken);
        (await client.GetAsync("/api/v1/me")).EnsureSuccessStatusCode();

        (await shopper.Client.PostAsync("/api/v1/auth/logout", null)).EnsureSuccessStatusCode();
        await Http.EventuallyAsync(async () => (await client.GetAsync("/api/v1/me")).StatusCode == HttpStatusCode.Unauthorized,
            because: "the second instance should hear the logout");
    }
}

/// <summary>
/// The default 3 s reuse grace of the browser cookie: tabs sharing the refresh cookie refresh together without signing
/// the shopper out. Only refresh calls here (the fake clock runs ahead of the real one, which access-token validation uses).
/// </summary>
public sealed class RefreshReuseGraceTests(MallAppWithFakeClock app) : IClassFixture<MallAppWithFakeClock>
{
    /// <summary>A browser's refresh: the token in the cookie, the successor read back from Set-Cookie.</summary>
    private async Task<HttpResponseMessage> Refresh(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/refresh");
        request.Headers.Add("Cookie", $"mall_rt={token}");
        return await app.CreateClient().SendAsync(request);
    }

    private static string SuccessorOf(HttpResponseMessage response) =>
        Uri.UnescapeDataString(response.Headers.GetValues("Set-Cookie").Single().Split(';')[0]["mall_rt=".Length..]);

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_get_the_same_successor_and_keep_the_session()
    {
        var shopper = await app.NewShopperAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Refresh(shopper.RefreshToken)));
        var bodies = await Task.WhenAll(answers.Select(a => a.ReadAsync<MallApp.TokenBody>()));

        var successor = Assert.Single(answers.Select(SuccessorOf).Distinct());
        Assert.NotEqual(shopper.RefreshToken, successor);
        Assert.Equal(4, bodies.Select(b => b.AccessToken).Distinct().Count());

        // The session lives on: the shared successor rotates as usual, and nothing readable is left in Redis.
        var family = successor[..successor.IndexOf('.')];
        var stored = await app.Redis.HashGetAllAsync($"auth:rt:{{{family}}}");
        Assert.DoesNotContain(stored, e => e.Value.ToString().Contains(successor[(successor.IndexOf('.') + 1)..]));
        (await Refresh(successor)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Browser_tabs_refreshing_together_all_end_with_the_same_cookie()
    {
        var shopper = await app.NewShopperAsync();
        var cookie = $"mall_rt={shopper.RefreshToken}";
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/refresh");
            request.Headers.Add("Cookie", cookie);
            return app.CreateClient().SendAsync(request);
        }));
        foreach (var answer in answers) answer.EnsureSuccessStatusCode();
        var cookies = answers.Select(a => a.Headers.GetValues("Set-Cookie").Single().Split(';')[0]).Distinct();
        Assert.NotEqual(cookie, Assert.Single(cookies));
    }

    [Fact]
    public async Task Only_the_token_rotated_last_gets_the_grace_an_older_one_is_reuse()
    {
        var shopper = await app.NewShopperAsync();
        var second = SuccessorOf((await Refresh(shopper.RefreshToken)).EnsureSuccessStatusCode());
        var third = SuccessorOf((await Refresh(second)).EnsureSuccessStatusCode());

        var reuse = await (await Refresh(shopper.RefreshToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("already used", reuse.GetProperty("detail").GetString());
        await (await Refresh(third)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized); // family revoked
    }

    [Fact]
    public async Task The_grace_ends_after_three_seconds()
    {
        var shopper = await app.NewShopperAsync();
        (await Refresh(shopper.RefreshToken)).EnsureSuccessStatusCode();
        app.FakeClock!.Advance(TimeSpan.FromSeconds(2));
        (await Refresh(shopper.RefreshToken)).EnsureSuccessStatusCode();
        app.FakeClock!.Advance(TimeSpan.FromSeconds(2));
        await (await Refresh(shopper.RefreshToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}
