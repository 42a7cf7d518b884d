using FastEndpoints;
using Mall.Infrastructure.Auth;
using Microsoft.IdentityModel.Tokens;

namespace Mall.Features.Auth.Jwks;

public sealed record Key(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

public sealed record Response(Key[] Keys);

/// <summary>The public half of the access-token signing key, for other services that verify our tokens.</summary>
public sealed class Endpoint(SigningKeys keys) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/.well-known/jwks.json");
        RoutePrefixOverride(string.Empty);
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "JSON Web Key Set of the access-token signing keys";
            s.Responses[200] = "The ES256 public keys, by kid.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override Task HandleAsync(CancellationToken ct)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(keys.PublicKey);
        HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return Send.OkAsync(new Response([new Key(jwk.Kty, jwk.Crv, jwk.X, jwk.Y, keys.PublicKey.KeyId, "sig", SigningKeys.Algorithm)]), ct);
    }
}
