using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Prometheus;

namespace Mall.Infrastructure.Auth;

public sealed class ValidatedTokenCacheOptions
{
    /// <summary>How many validated access tokens one instance remembers (0 turns the cache off). An entry is about
    /// 3 KB, so the default bounds it near 300 MB with every slot full of active shoppers.</summary>
    public int MaxEntries { get; set; } = 100_000;
    /// <summary>A token not used for this long is forgotten (idle shoppers do not hold memory until expiry).</summary>
    public int IdleSeconds { get; set; } = 120;
}

/// <summary>
/// A JWT handler that verifies each distinct access token's signature once. Checking an RS256 signature is the
/// largest single cost of an authenticated request (a seckill shopper sends the same token with every countdown
/// poll, token request and attempt), so a successful validation is remembered, keyed by the whole token text:
/// only a byte-identical token we already verified can hit, and failures are never cached. On a hit the lifetime
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

        // A hit is trusted only while the token's lifetime lasts; past it the token goes through full validation
        // again, so the cache can never accept what the base handler would refuse.
        var now = _clock.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out TokenValidationResult? cached) && cached is not null)
        {
            if (cached.SecurityToken.ValidTo.Add(validationParameters.ClockSkew) > now)
            {
                Hits.Inc();
                return Copy(cached);
            }
            _validated.Remove(token);
        }

        Misses.Inc();
        var result = await VerifyAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } securityToken && securityToken.ValidTo > DateTime.MinValue)
        {
            _validated.Set(token, result, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpiration = new DateTimeOffset(securityToken.ValidTo.Add(validationParameters.ClockSkew), TimeSpan.Zero),
                SlidingExpiration = TimeSpan.FromSeconds(Math.Max(1, _options.IdleSeconds)),
            });
            return Copy(result);
        }
        return result;
    }

    private Task<TokenValidationResult> VerifyAsync(string token, TokenValidationParameters validationParameters)
    {
        Interlocked.Increment(ref _verifications);
        return base.ValidateTokenAsync(token, validationParameters);
    }

    /// <summary>Each request gets its own identity: code further down may add claims to it.</summary>
    private static TokenValidationResult Copy(TokenValidationResult validated) => new()
    {
        IsValid = true,
        ClaimsIdentity = validated.ClaimsIdentity.Clone(),
        SecurityToken = validated.SecurityToken,
        Issuer = validated.Issuer,
        TokenType = validated.TokenType,
        TokenContext = validated.TokenContext,
    };
}
