namespace Mall.Features.Auth.GetJwks;

/// <summary>RFC 7517 key: n/e for RSA, crv/x/y for EC.</summary>
public sealed record Key(string Kty, string Kid, string Use, string Alg, string? N = null, string? E = null, string? Crv = null, string? X = null, string? Y = null);

public sealed record Response(Key[] Keys);
