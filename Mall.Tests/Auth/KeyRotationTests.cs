using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Mall.Infrastructure.Auth;
using Mall.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Tests.Auth;

/// <summary>A shop mid-rotation: it signs with a new key and still accepts the retiring one (given as a public PEM).</summary>
public sealed class RotatingKeysApp : MallApp
{
    public static readonly RSA Retiring = RSA.Create(2048);
    public static readonly RSA Current = RSA.Create(2048);

    public RotatingKeysApp() : base(TestHostOption.Set(
        ("Auth:SigningKeyPem", Current.ExportPkcs8PrivateKeyPem()),
        ("Auth:PreviousSigningKeyPem", Retiring.ExportSubjectPublicKeyInfoPem())))
    {
    }
}

/// <summary>JWT signing-key rotation with two active kids (docs/operations.md, "Rotating the JWT signing key").</summary>
public sealed class KeyRotationTests(RotatingKeysApp app) : IClassFixture<RotatingKeysApp>
{
    private static string KidOf(RSA rsa) =>
        Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))).ComputeJwkThumbprint());

    private static string Sign(long userId, RSA rsa, string kid) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "mall",
            Audience = "mall-api",
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = userId.ToString(), ["role"] = "shopper", ["jti"] = Guid.NewGuid().ToString("N"), ["sid"] = "s" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });

    private async Task<HttpStatusCode> MeWith(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/v1/me")).StatusCode;
    }

    [Fact]
    public async Task Tokens_of_the_retiring_key_still_verify_while_new_ones_are_signed_with_the_current_key()
    {
        var shopper = await app.NewShopperAsync();
        Assert.Equal(HttpStatusCode.OK, await MeWith(Sign(shopper.UserId, RotatingKeysApp.Retiring, KidOf(RotatingKeysApp.Retiring))));
        Assert.Equal(HttpStatusCode.OK, await MeWith(Sign(shopper.UserId, RotatingKeysApp.Current, KidOf(RotatingKeysApp.Current))));
        // The token a sign-in hands out carries the current key's kid.
        Assert.Equal(KidOf(RotatingKeysApp.Current), new JsonWebToken(shopper.AccessToken).Kid);
        // A stranger's key claiming the retiring kid is still refused.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Sign(shopper.UserId, RSA.Create(2048), KidOf(RotatingKeysApp.Retiring))));
    }

    [Fact]
    public async Task The_key_set_publishes_both_kids_current_first()
    {
        using var jwks = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/.well-known/jwks.json"));
        var kids = jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToArray();
        Assert.Equal(new[] { KidOf(RotatingKeysApp.Current), KidOf(RotatingKeysApp.Retiring) }, kids.Select(k => k ?? ""));
        Assert.All(jwks.RootElement.GetProperty("keys").EnumerateArray(), k => Assert.False(k.TryGetProperty("d", out _)));
    }

    [Fact]
    public void The_retiring_key_cannot_be_the_current_one()
    {
        var keys = SigningKeys.FromPem(RotatingKeysApp.Current.ExportPkcs8PrivateKeyPem());
        Assert.Throws<InvalidOperationException>(() => keys.WithPrevious(RotatingKeysApp.Current.ExportSubjectPublicKeyInfoPem()));
    }
}
