using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography;
using Mall.Infrastructure.Auth;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Tests.Auth;

/// <summary>The handler that verifies each distinct access token's signature once (the seckill hot path's largest cost).</summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test" };
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "mall", ValidAudience = "mall-api", IssuerSigningKey = Key, ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true, RequireExpirationTime = true, ClockSkew = TimeSpan.FromSeconds(30),
    };

    private static string Sign(TimeSpan lifetime, string subject = "7") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "mall", Audience = "mall-api", NotBefore = DateTime.UtcNow.AddMinutes(-1), Expires = DateTime.UtcNow.Add(lifetime),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        });

    private CachingJsonWebTokenHandler Handler(int maxEntries = 100, int idleSeconds = 3600) =>
        new(new ValidatedTokenCacheOptions { MaxEntries = maxEntries, IdleSeconds = idleSeconds }, _clock);

    [Fact]
    public async Task The_same_token_is_verified_once_and_every_request_gets_its_own_identity()
    {
        var handler = Handler();
        var token = Sign(TimeSpan.FromMinutes(15));

        var first = await handler.ValidateTokenAsync(token, Parameters);
        var second = await handler.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, handler.Verifications);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("7", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal(first.SecurityToken.Id, second.SecurityToken.Id);
    }

    [Fact]
    public async Task A_token_differing_from_a_cached_one_in_its_signature_is_verified_and_refused()
    {
        var handler = Handler();
        var token = Sign(TimeSpan.FromMinutes(15));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);

        var signature = token[(token.LastIndexOf('.') + 1)..];
        var flipped = signature[0] == 'A' ? 'B' + signature[1..] : 'A' + signature[1..];
        var forged = token[..(token.LastIndexOf('.') + 1)] + flipped;

        Assert.False((await handler.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.Equal(2, handler.Verifications);
    }

    [Fact]
    public async Task Refused_tokens_are_never_remembered()
    {
        var handler = Handler();
        var expired = Sign(TimeSpan.FromMinutes(-5));

        Assert.False((await handler.ValidateTokenAsync(expired, Parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(expired, Parameters)).IsValid);
        Assert.Equal(2, handler.Verifications);
    }

    [Fact]
    public async Task A_remembered_validation_is_not_trusted_past_the_tokens_expiry_and_skew()
    {
        var handler = Handler();
        var token = Sign(TimeSpan.FromMinutes(5));
        await handler.ValidateTokenAsync(token, Parameters);

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(20)); // still inside the 30 s skew
        await handler.ValidateTokenAsync(token, Parameters);
        Assert.Equal(1, handler.Verifications);

        _clock.Advance(TimeSpan.FromSeconds(15)); // beyond it: full validation again
        await handler.ValidateTokenAsync(token, Parameters);
        Assert.Equal(2, handler.Verifications);
    }

    [Fact]
    public async Task The_fast_path_knows_only_verified_unexpired_tokens_and_gives_each_caller_its_own_identity()
    {
        var handler = Handler();
        var token = Sign(TimeSpan.FromMinutes(5));
        Assert.False(handler.TryGetVerified(token, out _)); // never seen: the bearer handler must verify it

        await handler.ValidateTokenAsync(token, Parameters);
        Assert.True(handler.TryGetVerified(token, out var first));
        Assert.True(handler.TryGetVerified(token, out var second));
        Assert.Equal("7", first.Identity.FindFirst("sub")?.Value);
        Assert.Equal(7, first.UserId);
        Assert.Equal(first.Identity.FindFirst("jti")?.Value, first.TokenId);
        Assert.NotSame(first.Identity, second.Identity);
        Assert.Equal(1, handler.Verifications);

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31)); // past expiry and skew
        Assert.False(handler.TryGetVerified(token, out _));
    }

    [Fact]
    public async Task A_verified_token_whose_subject_is_not_a_user_id_never_takes_the_fast_path()
    {
        var handler = Handler();
        var token = Sign(TimeSpan.FromMinutes(5), subject: "not-a-number");
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid); // the signature is good
        Assert.False(handler.TryGetVerified(token, out _));
    }

    [Fact]
    public async Task A_token_idle_for_longer_than_the_idle_time_is_verified_again_and_swept_from_memory()
    {
        var handler = Handler(idleSeconds: 120);
        var idle = Sign(TimeSpan.FromMinutes(15));
        var busy = Sign(TimeSpan.FromMinutes(15));
        await handler.ValidateTokenAsync(idle, Parameters);
        await handler.ValidateTokenAsync(busy, Parameters);
        Assert.Equal(2, handler.Count);

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            Assert.True(handler.TryGetVerified(busy, out _)); // used every 30 s: stays
        }

        // The sweep runs off the request that notices it is due; the idle token is refused at once either way.
        Assert.False(handler.TryGetVerified(idle, out _));
        await Http.EventuallyAsync(() => Task.FromResult(handler.Count == 1), because: "the idle token was not swept");
        Assert.True(handler.TryGetVerified(busy, out _));
        Assert.True((await handler.ValidateTokenAsync(idle, Parameters)).IsValid);
        Assert.Equal(3, handler.Verifications);
    }

    [Fact]
    public async Task A_full_cache_remembers_no_more_tokens_but_still_accepts_them()
    {
        var handler = Handler(maxEntries: 2);
        var tokens = Enumerable.Range(0, 3).Select(_ => Sign(TimeSpan.FromMinutes(15))).ToArray();
        foreach (var token in tokens) Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.Equal(2, handler.Count);

        Assert.True((await handler.ValidateTokenAsync(tokens[2], Parameters)).IsValid);
        Assert.Equal(4, handler.Verifications); // the third is verified in full each time
        Assert.True(handler.TryGetVerified(tokens[0], out _));
    }

    [Fact]
    public async Task A_remembered_validation_rebuilds_the_same_identity_and_token_as_a_full_one()
    {
        var handler = Handler();
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "mall", Audience = "mall-api", IssuedAt = DateTime.UtcNow, NotBefore = DateTime.UtcNow, Expires = DateTime.UtcNow.AddMinutes(15),
            Claims = new Dictionary<string, object> { ["sub"] = "42", ["role"] = "shopper", ["jti"] = Guid.NewGuid().ToString("N"), ["sid"] = "fam-ü-1" },
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        });

        var full = await handler.ValidateTokenAsync(token, Parameters);
        var remembered = await handler.ValidateTokenAsync(token, Parameters);
        Assert.Equal(1, handler.Verifications);

        static string[] Described(TokenValidationResult r) => r.ClaimsIdentity.Claims
            .Select(c => $"{c.Type}|{c.Value}|{c.ValueType}|{c.Issuer}|{c.OriginalIssuer}").ToArray();
        Assert.Equal(Described(full), Described(remembered));
        Assert.Equal(full.ClaimsIdentity.AuthenticationType, remembered.ClaimsIdentity.AuthenticationType);
        Assert.Equal(full.ClaimsIdentity.NameClaimType, remembered.ClaimsIdentity.NameClaimType);
        Assert.Equal(full.ClaimsIdentity.RoleClaimType, remembered.ClaimsIdentity.RoleClaimType);
        Assert.Equal((full.SecurityToken.Id, full.SecurityToken.Issuer, full.SecurityToken.ValidFrom, full.SecurityToken.ValidTo),
            (remembered.SecurityToken.Id, remembered.SecurityToken.Issuer, remembered.SecurityToken.ValidFrom, remembered.SecurityToken.ValidTo));
        Assert.Equal((full.Issuer, full.TokenType), (remembered.Issuer, remembered.TokenType));

        Assert.True(handler.TryGetVerified(token, out var verified));
        Assert.Equal((42L, "fam-ü-1"), (verified.UserId, verified.SessionId));
        Assert.Equal(full.SecurityToken.Id, verified.TokenId);
    }

    [Fact]
    public async Task A_size_of_zero_turns_the_cache_off()
    {
        var handler = Handler(maxEntries: 0);
        var token = Sign(TimeSpan.FromMinutes(15));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);
        Assert.Equal(2, handler.Verifications);
        Assert.False(handler.TryGetVerified(token, out _));
    }
}

/// <summary>The API authenticates through the caching handler, and revocation still wins over a remembered token.</summary>
public sealed class ValidatedTokenCacheApiTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task Repeated_requests_with_one_token_verify_its_signature_once_and_logout_still_revokes_it()
    {
        var shopper = await app.NewShopperAsync();
        var handler = app.Service<CachingJsonWebTokenHandler>();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", shopper.AccessToken);

        (await client.GetAsync("/api/v1/me")).EnsureSuccessStatusCode();
        var afterFirst = handler.Verifications;
        for (var i = 0; i < 5; i++) (await client.GetAsync("/api/v1/me")).EnsureSuccessStatusCode();
        Assert.Equal(afterFirst, handler.Verifications);

        (await client.PostAsync("/api/v1/auth/logout", null)).EnsureSuccessStatusCode();
        await (await client.GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Requests_signed_in_from_the_cache_keep_their_roles_and_the_scheme_is_case_insensitive()
    {
        var admin = await app.AdminAsync();
        var shopper = await app.NewShopperAsync();
        var handler = app.Service<CachingJsonWebTokenHandler>();
        var asAdmin = app.CreateClient();
        asAdmin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("bearer", admin.AccessToken);
        var asShopper = app.CreateClient();
        asShopper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("BEARER", shopper.AccessToken);

        (await asAdmin.GetAsync("/api/v1/admin/orders")).EnsureSuccessStatusCode();
        await (await asShopper.GetAsync("/api/v1/admin/orders")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var verified = handler.Verifications;
        for (var i = 0; i < 3; i++)
        {
            (await asAdmin.GetAsync("/api/v1/admin/orders")).EnsureSuccessStatusCode();
            await (await asShopper.GetAsync("/api/v1/admin/orders")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal(shopper.UserId.ToString(), (await (await asShopper.GetAsync("/api/v1/me")).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("id").ToString());
        }
        Assert.Equal(verified, handler.Verifications);
    }

    [Fact]
    public async Task Two_bearer_tokens_in_one_request_are_refused_even_when_the_token_is_remembered()
    {
        var shopper = await app.NewShopperAsync();
        (await shopper.Client.GetAsync("/api/v1/me")).EnsureSuccessStatusCode(); // the token is now verified and remembered

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + shopper.AccessToken, "Bearer " + shopper.AccessToken]);
        await (await app.CreateClient().SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}

/// <summary>Only requests that carry credentials go through the bearer handler; the outcomes are those of authenticating every request.</summary>
public sealed class CredentialedOnlyAuthenticationTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task There_is_no_default_authenticate_scheme_so_anonymous_requests_skip_the_bearer_handler() =>
        Assert.Null(await app.Service<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>().GetDefaultAuthenticateSchemeAsync());

    [Fact]
    public async Task A_bad_token_on_an_anonymous_endpoint_is_still_anonymous_and_on_a_protected_one_a_bearer_challenge()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/categories")).StatusCode);

        var me = await client.GetAsync("/api/v1/me");
        await me.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", me.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Without_credentials_a_protected_endpoint_challenges_and_an_admin_one_forbids_a_shopper()
    {
        var anonymous = await app.CreateClient().GetAsync("/api/v1/me");
        await anonymous.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", anonymous.Headers.WwwAuthenticate.ToString());

        var shopper = await app.NewShopperAsync();
        await (await shopper.Client.GetAsync("/api/v1/admin/seckill/activities/1/reconcile")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
