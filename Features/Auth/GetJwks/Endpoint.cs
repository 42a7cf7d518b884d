using FastEndpoints;
using Mall.Infrastructure.Auth;

namespace Mall.Features.Auth.GetJwks;

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
            s.Responses[200] = "The public keys (RS256, or ES256 when an EC key is configured), by kid.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override Task HandleAsync(CancellationToken ct)
    {
        var jwk = keys.PublicJwk();
        HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return Send.OkAsync(new Response([new Key(jwk.Kty, keys.PublicKey.KeyId, "sig", keys.Algorithm, jwk.N, jwk.E, jwk.Crv, jwk.X, jwk.Y)]), ct);
    }
}
