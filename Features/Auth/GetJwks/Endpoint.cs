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
            s.Responses[200] = "The public keys (RS256, or ES256 when an EC key is configured), by kid: the current key, and during a rotation the retiring one.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override Task HandleAsync(CancellationToken ct)
    {
        HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return Send.OkAsync(new Response([.. keys.PublishedKeys().Select(k => new Key(k.Jwk.Kty, k.Jwk.Kid, "sig", k.Algorithm,
            k.Jwk.N, k.Jwk.E, k.Jwk.Crv, k.Jwk.X, k.Jwk.Y))]), ct);
    }
}
