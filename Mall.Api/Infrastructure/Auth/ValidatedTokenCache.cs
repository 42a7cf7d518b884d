using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Prometheus;

namespace Mall.Infrastructure.Auth;

public sealed class ValidatedTokenCacheOptions
{
    /// <summary>How many validated access tokens one instance remembers (0 turns the cache off). An entry of a shop
    /// token is about 950 bytes (measured with its key and cache entry), so the default bounds the cache near 100 MB
    /// with every slot full of active shoppers.</summary>
    public int MaxEntries { get; set; } = 100_000;
    /// <summary>A token not used for this long is forgotten (idle shoppers do not hold memory until expiry).</summary>
    public int IdleSeconds { get; set; } = 120;
}

/// <summary>
/// A JWT handler that verifies each distinct access token's signature once. Checking an RS256 signature is the
/// largest single cost of an authenticated request (a seckill shopper sends the same token with every countdown
/// poll, token request and attempt), so a successful validation is remembered, keyed by the SHA-256 of the whole
/// token: only a byte-identical token we already verified can hit, and failures are never cached. On a hit the lifetime
/// is checked again against the same clock and skew; the revocation denylist is checked on every request anyway
/// (OnTokenValidated runs after this handler, hit or miss).
/// </summary>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    private static readonly Counter Lookups = Metrics.CreateCounter(
        "mall_auth_token_cache_lookups_total", "Access-token validations by result (hit: signature already verified).", "result");
    private static readonly Counter.Child Hits = Lookups.WithLabels("hit");
    private static readonly Counter.Child Misses = Lookups.WithLabels("miss");

    private readonly ValidatedTokenCacheOptions _options;
    private readonly TimeProvider _clock;
    private readonly MemoryCache _validated;
    private long _verifications;

    public CachingJsonWebTokenHandler(ValidatedTokenCacheOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _validated = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.MaxEntries) });
        MapInboundClaims = false; // claim types stay as issued: sub, role, jti, sid
    }

    /// <summary>Full validations (signature checks) this handler made; tests read it.</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_options.MaxEntries <= 0) return await VerifyAsync(token, validationParameters);

        var key = KeyOf(token);
        if (TryGetUnexpired(key, out var remembered))
        {
            Hits.Inc();
            return remembered.ToResult();
        }

        Misses.Inc();
        var result = await VerifyAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } securityToken && securityToken.ValidTo > DateTime.MinValue
            && Remembered.From(result, securityToken.ValidTo.Add(validationParameters.ClockSkew)) is { } remember)
        {
            _validated.Set(key, remember, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpiration = new DateTimeOffset(remember.TrustedUntil, TimeSpan.Zero),
                SlidingExpiration = TimeSpan.FromSeconds(Math.Max(1, _options.IdleSeconds)),
            });
        }
        return result;
    }

    /// <summary>
    /// An access token this instance has already verified and that has not expired, for the authentication
    /// middleware's fast path (no handler, no validation parameters, no result objects): a fresh identity and the
    /// claims revocation is checked against. False for anything else, a token whose subject is not a user id
    /// included: the caller then goes through the bearer handler, which verifies, remembers and refuses.
    /// </summary>
    public bool TryGetVerified(ReadOnlySpan<char> token, out VerifiedToken verified)
    {
        verified = default;
        if (_options.MaxEntries <= 0 || !TryGetUnexpired(KeyOf(token), out var remembered) || string.IsNullOrEmpty(remembered.TokenId)
            || remembered.UserId is not { } userId)
            return false;
        Hits.Inc();
        verified = new VerifiedToken(remembered.NewIdentity(), remembered.TokenId, remembered.SessionId, userId);
        return true;
    }

    /// <summary>Forgets a token the bearer handler's own checks refused after its signature was verified.</summary>
    public void Forget(string token) => _validated.Remove(KeyOf(token));

    /// <summary>A hit is trusted only while the token's lifetime (plus skew) lasts; past it the token goes through full
    /// validation again, so the cache can never accept what the base handler would refuse.</summary>
    private bool TryGetUnexpired(UInt128 key, [NotNullWhen(true)] out Remembered? remembered)
    {
        if (_validated.TryGetValue(key, out remembered) && remembered is not null)
        {
            if (remembered.TrustedUntil > _clock.GetUtcNow().UtcDateTime) return true;
            _validated.Remove(key);
        }
        remembered = null;
        return false;
    }

    /// <summary>The first 128 bits of the token's SHA-256: a hit needs a second preimage of a token we verified, and the
    /// key is 16 bytes (32 boxed) where the token is near 700 characters. The token's bytes stay on the stack (it is read
    /// on every authenticated request).</summary>
    private static UInt128 KeyOf(ReadOnlySpan<char> token)
    {
        var byteCount = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = byteCount > 4096 ? ArrayPool<byte>.Shared.Rent(byteCount) : null;
        try
        {
            var bytes = rented is null ? stackalloc byte[byteCount] : rented.AsSpan();
            var written = Encoding.UTF8.GetBytes(token, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            return BinaryPrimitives.ReadUInt128LittleEndian(hash);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private Task<TokenValidationResult> VerifyAsync(string token, TokenValidationParameters validationParameters)
    {
        Interlocked.Increment(ref _verifications);
        return base.ValidateTokenAsync(token, validationParameters);
    }

    /// <summary>
    /// What a successful validation leaves behind, kept small (about 950 bytes with its key and cache entry for a shop
    /// token, from 2 KB when it held Claim objects; the full result with its parsed token and the token text is near 7 KB): each claim as three
    /// strings sharing one issuer, and the token's identifying times. The Claim objects and the security token are built
    /// per request, which the identity's constructor did anyway (it clones every claim it is given).
    /// </summary>
    private sealed record Remembered(ClaimText[] Claims, string ClaimIssuer, string ClaimOriginalIssuer, string? AuthenticationType,
        string NameClaimType, string RoleClaimType, string TokenId, string TokenIssuer, DateTime ValidFrom, DateTime ValidTo, string Issuer,
        string? TokenType, DateTime TrustedUntil, string? SessionId, long? UserId)
    {
        public static Remembered? From(TokenValidationResult result, DateTime trustedUntil)
        {
            var identity = result.ClaimsIdentity;
            var token = result.SecurityToken;
            var claims = identity.Claims.ToArray();
            var issuer = claims.Length > 0 ? claims[0].Issuer : ClaimsIdentity.DefaultIssuer;
            var originalIssuer = claims.Length > 0 ? claims[0].OriginalIssuer : ClaimsIdentity.DefaultIssuer;
            // One issuer for all (a JWT's claims share the token's): a claim from elsewhere would be rebuilt wrongly, so
            // such an identity keeps its issuers by being refused here and validated in full each time instead.
            if (claims.Any(c => c.Issuer != issuer || c.OriginalIssuer != originalIssuer || c.Properties.Count > 0)) return null;
            // A token's strings arrive as fresh copies (the claim's value, the token's Id and the result's issuer are one
            // text three times): each text is kept once, and a text the runtime already holds (claim types, value types,
            // the issuer and audience from configuration, role names) is not kept at all.
            var kept = new Dictionary<string, string>(StringComparer.Ordinal);
            string Keep(string text) => string.IsInterned(text) ?? (kept.TryGetValue(text, out var same) ? same : kept[text] = text);
            string? KeepOrNull(string? text) => text is null ? null : Keep(text);
            var texts = claims.Select(c => new ClaimText(Keep(c.Type), Keep(c.Value), Keep(c.ValueType))).ToArray();
            return new Remembered(texts, Keep(issuer), Keep(originalIssuer), KeepOrNull(identity.AuthenticationType), Keep(identity.NameClaimType),
                Keep(identity.RoleClaimType), Keep(token.Id), Keep(token.Issuer), token.ValidFrom, token.ValidTo, Keep(result.Issuer),
                KeepOrNull(result.TokenType), trustedUntil, KeepOrNull(identity.FindFirst(MallClaims.Session)?.Value),
                long.TryParse(identity.FindFirst(MallClaims.Subject)?.Value, out var userId) ? userId : null);
        }

        /// <summary>Each request gets its own identity and claims: code further down may add to it.</summary>
        public ClaimsIdentity NewIdentity()
        {
            var identity = new CaseSensitiveClaimsIdentity(AuthenticationType, NameClaimType, RoleClaimType);
            // A claim whose subject is already the identity is added as it is, not cloned.
            foreach (var c in Claims) identity.AddClaim(new Claim(c.Type, c.Value, c.ValueType, ClaimIssuer, ClaimOriginalIssuer, identity));
            return identity;
        }

        public TokenValidationResult ToResult() => new()
        {
            IsValid = true,
            ClaimsIdentity = NewIdentity(),
            SecurityToken = new RememberedToken(TokenId, TokenIssuer, ValidFrom, ValidTo),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }

    private readonly record struct ClaimText(string Type, string Value, string ValueType);

    /// <summary>The verified token as the authentication handler sees it on a hit: its id, issuer and lifetime.</summary>
    private sealed class RememberedToken(string id, string issuer, DateTime validFrom, DateTime validTo) : SecurityToken
    {
        public override string Id => id;
        public override string Issuer => issuer;
        public override DateTime ValidFrom => validFrom;
        public override DateTime ValidTo => validTo;
        public override SecurityKey? SecurityKey => null;
        public override SecurityKey? SigningKey { get => null; set { } }
    }
}

/// <summary>What the fast path knows of a verified token: who it signs in, and what revocation is checked against.</summary>
public readonly record struct VerifiedToken(ClaimsIdentity Identity, string TokenId, string? SessionId, long UserId);
