using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Auth;

/// <summary>
/// Changing the password needs the current one and the registration rules; afterwards every other sign-in is over
/// (refresh and access tokens), this one keeps working, the new password signs in and the old one does not.
/// </summary>
public sealed class ChangePasswordTests(MallApp app) : IClassFixture<MallApp>
{
    private const string NewPassword = "battery-staple-43";

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, string current, string next) =>
        client.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = current, newPassword = next });

    private HttpClient With(string accessToken)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    private Task<HttpResponseMessage> LoginAsync(string account, string password) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { account, password, client = "native" });

    [Fact]
    public async Task Other_sign_ins_end_this_one_keeps_working_and_only_the_new_password_signs_in()
    {
        var me = await app.NewShopperAsync();
        var phone = await app.SignInAsync(me.Account, me.Password, me.UserId);
        var stranger = await app.NewShopperAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await ChangeAsync(me.Client, me.Password, NewPassword)).StatusCode);

        // The other sign-in: its access token is refused (twice: the second time could take the bearer fast path), its refresh too.
        for (var i = 0; i < 2; i++)
            await (await With(phone.AccessToken).GetAsync("/api/v1/orders")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await RefreshAsync(phone.RefreshToken)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        // This sign-in: its access token and its refresh token still work.
        Assert.Equal(HttpStatusCode.OK, (await me.Client.GetAsync("/api/v1/orders")).StatusCode);
        var refreshed = await (await RefreshAsync(me.RefreshToken)).ReadAsync<MallApp.TokenBody>();
        Assert.Equal(HttpStatusCode.OK, (await With(refreshed.AccessToken).GetAsync("/api/v1/me")).StatusCode);

        // Someone else's sign-in is untouched.
        Assert.Equal(HttpStatusCode.OK, (await stranger.Client.GetAsync("/api/v1/orders")).StatusCode);

        await (await LoginAsync(me.Account, me.Password)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(me.Account, NewPassword)).StatusCode);

        await using var db = await app.OpenDbAsync();
        var audit = await db.QuerySingleAsync<(long ActorId, string EntityId)>(
            "SELECT actor_id, entity_id FROM admin_audit WHERE action = 'account.password_change' AND entity_id = @Id",
            new { Id = me.UserId.ToString() });
        Assert.Equal(me.UserId, audit.ActorId);
    }

    [Fact]
    public async Task A_wrong_current_password_is_a_field_problem_and_changes_nothing()
    {
        var me = await app.NewShopperAsync();
        var other = await app.SignInAsync(me.Account, me.Password, me.UserId);

        var problem = await (await ChangeAsync(me.Client, "not-my-password-1", NewPassword)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("auth.current_password_wrong", problem.GetProperty("fieldCode").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("currentPassword", out _));

        Assert.Equal(HttpStatusCode.OK, (await other.Client.GetAsync("/api/v1/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(me.Account, me.Password)).StatusCode);
    }

    [Fact]
    public async Task A_weak_or_unchanged_new_password_is_refused_with_the_registration_rule()
    {
        var me = await app.NewShopperAsync();
        var weak = await (await ChangeAsync(me.Client, me.Password, "12345678")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(weak.GetProperty("errors").TryGetProperty("newPassword", out _));
        await (await ChangeAsync(me.Client, me.Password, "short")).ShouldBeValidationErrorAsync("newPassword");
        await (await ChangeAsync(me.Client, me.Password, me.Password)).ShouldBeValidationErrorAsync("newPassword");
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(me.Account, me.Password)).StatusCode);
    }

    [Fact]
    public async Task The_problems_are_worded_in_chinese_and_english()
    {
        var me = await app.NewShopperAsync();
        async Task<JsonElement> WrongAsync(string language)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/password")
            {
                Content = JsonContent.Create(new { currentPassword = "not-my-password-1", newPassword = NewPassword }),
            };
            request.Headers.AcceptLanguage.ParseAdd(language);
            me.Client.DefaultRequestHeaders.AcceptLanguage.Clear();
            return await (await me.Client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        }
        Assert.Equal("当前密码不正确。", (await WrongAsync("zh-CN")).GetProperty("errors").GetProperty("currentPassword")[0].GetString());
        Assert.Equal("The current password is incorrect.", (await WrongAsync("en")).GetProperty("errors").GetProperty("currentPassword")[0].GetString());
    }

    [Fact]
    public async Task Wrong_current_passwords_are_throttled_like_sign_in()
    {
        var me = await app.NewShopperAsync();
        for (var i = 0; i < 5; i++)
            await (await ChangeAsync(me.Client, $"wrong-password-{i}", NewPassword)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var locked = await ChangeAsync(me.Client, me.Password, NewPassword);
        var problem = await locked.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("auth.password_change_throttled", problem.GetProperty("code").GetString());
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // The same counter as the sign-in page: guessing here locks sign-in too.
        await (await LoginAsync(me.Account, me.Password)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Needs_sign_in() =>
        await (await ChangeAsync(app.CreateClient(), "correct-horse-42", NewPassword)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
}
