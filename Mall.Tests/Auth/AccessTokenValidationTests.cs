using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mall.Infrastructure.Auth;
using Mall.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Tests.Auth;

public sealed class AccessTokenValidationTests(MallApp app) : IClassFixture<MallApp>
{
    private async Task<HttpStatusCode> MeWith(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.GetAsync("/api/v1/me");
        if (response.StatusCode != HttpStatusCode.OK) await response.ShouldBeProblemAsync(response.StatusCode);
        return response.StatusCode;
    }

    private string Sign(Dictionary<string, object> claims, SigningCredentials? credentials = null, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = claims.Remove("iss", out var iss) ? (string)iss : "mall",
            Audience = claims.Remove("aud", out var aud) ? (string)aud : "mall-api",
            IssuedAt = now.AddMinutes(-20),
            NotBefore = now.AddMinutes(-20),
            Expires = expires ?? now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = credentials ?? app.Service<SigningKeys>().Credentials,
        });
    }

    private static Dictionary<string, object> Claims(long userId, string role = "shopper") => new()
    {
        ["sub"] = userId.ToString(), ["role"] = role, ["jti"] = Guid.NewGuid().ToString("N"), ["sid"] = "s",
    };

    [Fact]
    public async Task A_correctly_signed_token_is_accepted() =>
        Assert.Equal(HttpStatusCode.OK, await MeWith(Sign(Claims((await app.NewShopperAsync()).UserId))));

    [Fact]
    public async Task A_tampered_payload_is_rejected()
    {
        var shopper = await app.NewShopperAsync();
        var parts = shopper.AccessToken.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["role"] = "admin";
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.{parts[2]}";
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(forged));
    }

    [Fact]
    public async Task Alg_none_is_rejected()
    {
        var shopper = await app.NewShopperAsync();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = shopper.AccessToken.Split('.')[1];
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith($"{header}.{payload}."));
    }

    [Fact]
    public async Task Hs256_signed_with_the_public_key_is_rejected()
    {
        var shopper = await app.NewShopperAsync();
        var jwk = app.Service<SigningKeys>().PublicJwk();
        var hmac = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(jwk) + new string('k', 32)));
        var token = Sign(Claims(shopper.UserId), new SigningCredentials(hmac, SecurityAlgorithms.HmacSha256));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(token));
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_rejected()
    {
        var shopper = await app.NewShopperAsync();
        var other = new RsaSecurityKey(RSA.Create(2048)) { KeyId = app.Service<SigningKeys>().PublicKey.KeyId };
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Sign(Claims(shopper.UserId), new SigningCredentials(other, SecurityAlgorithms.RsaSha256))));
    }

    [Fact]
    public async Task Wrong_audience_or_issuer_is_rejected()
    {
        var shopper = await app.NewShopperAsync();
        var wrongAudience = Claims(shopper.UserId);
        wrongAudience["aud"] = "another-api";
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Sign(wrongAudience)));
        var wrongIssuer = Claims(shopper.UserId);
        wrongIssuer["iss"] = "someone-else";
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Sign(wrongIssuer)));
    }

    [Fact]
    public async Task Expired_tokens_are_rejected_beyond_30_seconds_of_skew()
    {
        var shopper = await app.NewShopperAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Sign(Claims(shopper.UserId), expires: DateTime.UtcNow.AddSeconds(-45))));
        Assert.Equal(HttpStatusCode.OK, await MeWith(Sign(Claims(shopper.UserId), expires: DateTime.UtcNow.AddSeconds(-5))));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("令牌.令牌.令牌")]
    public async Task Garbage_bearer_tokens_are_401(string token) => Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(token));

    [Fact]
    public async Task An_es256_token_is_refused_when_the_shop_signs_rs256()
    {
        var shopper = await app.NewShopperAsync();
        var ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = app.Service<SigningKeys>().PublicKey.KeyId };
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Sign(Claims(shopper.UserId), new SigningCredentials(ec, SecurityAlgorithms.EcdsaSha256))));
    }

    [Fact]
    public void A_configured_p256_key_signs_es256()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keys = SigningKeys.FromPem(ec.ExportPkcs8PrivateKeyPem());
        Assert.Equal(SecurityAlgorithms.EcdsaSha256, keys.Algorithm);
        Assert.Equal("EC", keys.PublicJwk().Kty);
        Assert.Throws<InvalidOperationException>(() => SigningKeys.FromPem(RSA.Create(1024).ExportPkcs8PrivateKeyPem()));
    }

    [Fact]
    public async Task Jwks_publishes_the_key_that_verifies_access_tokens()
    {
        var shopper = await app.NewShopperAsync();
        var json = await (await app.CreateClient().GetAsync("/.well-known/jwks.json")).Content.ReadAsStringAsync();
        var set = new JsonWebKeySet(json);
        var key = Assert.Single(set.Keys);
        Assert.Equal("RSA", key.Kty);
        Assert.Equal("RS256", key.Alg);
        Assert.Equal(new JsonWebToken(shopper.AccessToken).Kid, key.Kid);
        Assert.True(string.IsNullOrEmpty(key.D), "the private part must never be published");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(shopper.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = "mall", ValidAudience = "mall-api", IssuerSigningKeys = set.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }
}
