using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Mall.Infrastructure.Auth;
using Mall.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Tests.Auth;

/// <summary>
/// Sessions end as a whole: sign-out and a reused refresh token refuse every access token of that sign-in at once,
/// on every instance; a disabled account's tokens stop, and a token naming no account (or no number) is a 401.
/// </summary>
public sealed class SessionRevocationTests(MallApp app) : IClassFixture<MallApp>
{
    private HttpClient With(string accessToken)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private async Task<MallApp.TokenBody> RefreshAsync(string refreshToken) =>
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken })).ReadAsync<MallApp.TokenBody>();

    private async Task ShouldWorkAsync(string accessToken) =>
        Assert.Equal(HttpStatusCode.OK, (await With(accessToken).GetAsync("/api/v1/orders")).StatusCode);

    private async Task ShouldBeRefusedAsync(string accessToken, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/orders") { Headers = { Authorization = new("Bearer", accessToken) } };
        // Twice: the first sight goes through the bearer handler, the second could take the fast path.
        for (var i = 0; i < 2; i++)
            await (await (client ?? app.CreateClient()).SendAsync(Clone(request))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request) =>
        new(request.Method, request.RequestUri) { Headers = { Authorization = request.Headers.Authorization } };

    [Fact]
    public async Task Signing_out_refuses_every_access_token_of_that_sign_in_on_every_instance_and_no_other()
    {
        var shopper = await app.NewShopperAsync();
        var otherLogin = await app.SignInAsync(shopper.Account, shopper.Password, shopper.UserId);
        var refreshed = await RefreshAsync(shopper.RefreshToken); // a second access token of the same sign-in
        using var peer = new PeerInstance(app);
        var peerClient = peer.CreateClient();
        await ShouldWorkAsync(refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await peerClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/orders")
            { Headers = { Authorization = new("Bearer", refreshed.AccessToken) } })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await shopper.Client.PostAsync("/api/v1/auth/logout", null)).StatusCode);

        await ShouldBeRefusedAsync(shopper.AccessToken);
        await ShouldBeRefusedAsync(refreshed.AccessToken);
        await Http.EventuallyAsync(async () => (await peerClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/orders")
            { Headers = { Authorization = new("Bearer", refreshed.AccessToken) } })).StatusCode == HttpStatusCode.Unauthorized,
            because: "the peer instance hears of the revoked session");
        await ShouldWorkAsync(otherLogin.AccessToken);
    }

    [Fact]
    public async Task A_reused_refresh_token_ends_the_sign_in_and_a_native_client_gets_no_grace()
    {
        var shopper = await app.NewShopperAsync();
        var rotated = await RefreshAsync(shopper.RefreshToken);
        await ShouldWorkAsync(rotated.AccessToken);

        // Presented again at once, from a body (a native client): no grace, that is reuse.
        var reuse = await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = shopper.RefreshToken }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("already used", reuse.GetProperty("detail").GetString());

        await ShouldBeRefusedAsync(shopper.AccessToken);
        await ShouldBeRefusedAsync(rotated.AccessToken);
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = rotated.RefreshToken }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_disabled_account_is_refused_everywhere_at_once_and_signs_in_again_when_enabled()
    {
        var admin = await app.AdminAsync();
        var shopper = await app.NewShopperAsync();
        await ShouldWorkAsync(shopper.AccessToken);

        var disabled = await (await admin.Client.PostAsync($"/api/v1/admin/accounts/{shopper.UserId}/disable", null)).ReadAsync<AccountState>();
        Assert.True(disabled.Disabled);
        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{shopper.UserId}/disable", null)).EnsureSuccessStatusCode(); // again: harmless

        await ShouldBeRefusedAsync(shopper.AccessToken);
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = shopper.RefreshToken }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var login = await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { account = shopper.Account, password = shopper.Password, client = "native" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("disabled", login.GetProperty("detail").GetString());

        var enabled = await (await admin.Client.PostAsync($"/api/v1/admin/accounts/{shopper.UserId}/enable", null)).ReadAsync<AccountState>();
        Assert.False(enabled.Disabled);
        var again = await app.SignInAsync(shopper.Account, shopper.Password, shopper.UserId);
        await ShouldWorkAsync(again.AccessToken);
        await ShouldBeRefusedAsync(shopper.AccessToken); // what it held when disabled stays refused
    }

    [Fact]
    public async Task Admin_accounts_cannot_be_disabled_and_unknown_ones_are_404()
    {
        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsync($"/api/v1/admin/accounts/{admin.UserId}/disable", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.Client.PostAsync("/api/v1/admin/accounts/987654321/disable", null)).ShouldBeNotFoundAsync("The account");
        await (await admin.Client.PostAsync("/api/v1/admin/accounts/987654321/enable", null)).ShouldBeNotFoundAsync("The account");
    }

    [Fact]
    public async Task A_validly_signed_token_for_an_account_that_does_not_exist_is_refused()
    {
        var token = app.Service<AccessTokenIssuer>().Issue(987_654_321, Roles.Shopper, "no-such-session").Token;
        await ShouldBeRefusedAsync(token);
    }

    [Fact]
    public async Task A_validly_signed_token_whose_subject_is_not_a_number_is_a_401_not_a_500()
    {
        var keys = app.Service<SigningKeys>();
        var options = app.Service<AuthOptions>();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer, Audience = options.Audience, Expires = DateTime.UtcNow.AddMinutes(5), SigningCredentials = keys.Credentials,
            Claims = new Dictionary<string, object> { ["sub"] = "admin", ["role"] = Roles.Admin, ["jti"] = Guid.NewGuid().ToString("N"), ["sid"] = "x" },
        });
        await ShouldBeRefusedAsync(token);
    }

    private sealed record AccountState(long Id, bool Disabled);
}
