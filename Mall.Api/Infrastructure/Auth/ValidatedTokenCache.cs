using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Prometheus;

namespace Mall.Infrastructure.Auth;

public sealed class ValidatedTokenCacheOptions
{
    /// <summary>How many validated access tokens one instance remembers (0 turns the cache off). An entry of a shop
    /// token is about 270 bytes (measured with its key and dictionary node), so the default bounds the cache near
    /// 27 MB with every slot full of active shoppers. When it is full, new tokens are verified in full on each request
    /// until idle or expired entries are swept.</summary>
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
    /// <summary>Distinct token shapes kept (claim names, issuers, constant values): the shop issues two (shopper and
    /// admin); the bound keeps a stream of odd tokens from growing the table.</summary>
    private const int MaxShapes = 64;

    private readonly ValidatedTokenCacheOptions _options;
    private readonly TimeProvider _clock;
    // A plain dictionary, not MemoryCache: its per-entry bookkeeping (a CacheEntry with its options, a boxed key) was
    // larger than the entry itself, and a sale puts one entry here per shopper.
    private readonly ConcurrentDictionary<UInt128, Remembered> _validated = new();
    private readonly ConcurrentDictionary<string, TokenShape> _shapes = new(StringComparer.Ordinal);
    private readonly DateTime _epoch;
    private int _count;
    private readonly DueTime _sweep;
    private int _sweeping;
    private long _verifications;

    public CachingJsonWebTokenHandler(ValidatedTokenCacheOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _epoch = clock.GetUtcNow().UtcDateTime;
        _sweep = new DueTime(_epoch.Add(SweepEvery).Ticks);
        MapInboundClaims = false; // claim types stay as issued: sub, role, jti, sid
    }

    /// <summary>Full validations (signature checks) this handler made; tests read it.</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>Tokens remembered now; tests read it.</summary>
    public int Count => Volatile.Read(ref _count);

    private TimeSpan SweepEvery => TimeSpan.FromSeconds(Math.Clamp(_options.IdleSeconds / 4, 1, 30));

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
            && Remembered.From(result, securityToken.ValidTo.Add(validationParameters.ClockSkew), ShapeOf) is { } remember)
            Remember(key, remember);
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
        if (_options.MaxEntries <= 0 || !TryGetUnexpired(KeyOf(token), out var remembered) || remembered.UserId is not { } userId)
            return false;
        var texts = remembered.Texts();
        if (remembered.Shape.TokenId.Resolve(texts) is not { Length: > 0 } tokenId) return false;
        Hits.Inc();
        verified = new VerifiedToken(remembered.Shape.NewIdentity(texts), tokenId, remembered.Shape.Session?.Resolve(texts), userId);
        return true;
    }

    /// <summary>Forgets a token the bearer handler's own checks refused after its signature was verified.</summary>
    public void Forget(string token) => Remove(KeyOf(token));

    /// <summary>A hit is trusted only while the token's lifetime (plus skew) lasts; past it the token goes through full
    /// validation again, so the cache can never accept what the base handler would refuse.</summary>
    private bool TryGetUnexpired(UInt128 key, [NotNullWhen(true)] out Remembered? remembered)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        SweepIfDue(now);
        if (_validated.TryGetValue(key, out remembered))
        {
            var seconds = SecondsSinceEpoch(now);
            if (remembered.TrustedUntil > now.Ticks && !IsIdle(remembered, seconds))
            {
                remembered.Touch(seconds);
                return true;
            }
            Remove(key);
        }
        remembered = null;
        return false;
    }

    private void Remember(UInt128 key, Remembered remembered)
    {
        remembered.Touch(SecondsSinceEpoch(_clock.GetUtcNow().UtcDateTime));
        // Full: the token is verified in full on each request until the sweep frees room (MemoryCache refused the same way).
        if (Volatile.Read(ref _count) >= _options.MaxEntries) return;
        if (_validated.TryAdd(key, remembered)) Interlocked.Increment(ref _count);
    }

    private void Remove(UInt128 key)
    {
        if (_validated.TryRemove(key, out _)) Interlocked.Decrement(ref _count);
    }

    private bool IsIdle(Remembered remembered, int secondsSinceEpoch) =>
        secondsSinceEpoch - remembered.LastUsed > Math.Max(1, _options.IdleSeconds);

    private int SecondsSinceEpoch(DateTime now) => (int)Math.Min(int.MaxValue, Math.Max(0, (now - _epoch).Ticks / TimeSpan.TicksPerSecond));

    /// <summary>Forgets expired tokens and tokens idle for <see cref="ValidatedTokenCacheOptions.IdleSeconds"/>, at most
    /// every quarter of that (30 s at most), off the request that notices it is due.</summary>
    private void SweepIfDue(DateTime now)
    {
        if (!_sweep.TryClaim(now.Ticks, SweepEvery.Ticks) || Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.handler.Sweep(state.now), (handler: this, now), preferLocal: false);
    }

    private void Sweep(DateTime now)
    {
        try
        {
            var seconds = SecondsSinceEpoch(now);
            foreach (var (key, remembered) in _validated)
                if (remembered.TrustedUntil <= now.Ticks || IsIdle(remembered, seconds)) Remove(key);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>The one shared shape for this key, or null when the table is full of other shapes (the token is then
    /// verified in full each time).</summary>
    private TokenShape? ShapeOf(string key, Func<TokenShape> create)
    {
        if (_shapes.TryGetValue(key, out var shape)) return shape;
        if (_shapes.Count >= MaxShapes) return null;
        return _shapes.GetOrAdd(key, _ => create());
    }

    /// <summary>The first 128 bits of the token's SHA-256: a hit needs a second preimage of a token we verified, and the
    /// key is 16 bytes where the token is near 700 characters. The token's bytes stay on the stack (it is read
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
    /// What a successful validation leaves behind, kept small: about 270 bytes with its key and dictionary node for a
    /// shop token (it was 955 with a MemoryCache entry and a string per claim, 2 KB holding Claim objects; the full
    /// result with its parsed token and the token text is near 7 KB). Everything tokens share — claim names, value types,
    /// issuers, texts the runtime already holds such as the audience and role names — is in a <see cref="TokenShape"/>
    /// kept once; the entry keeps only the texts of its own token (subject, times, token and session ids), each once,
    /// packed as UTF-8. The strings, Claim objects and security token are built per request, as the identity's
    /// constructor did anyway (it clones every claim it is given).
    /// </summary>
    private sealed class Remembered(TokenShape shape, byte[] packed, long trustedUntil, long validFrom, long validTo, long? userId)
    {
        private int _lastUsed;

        public TokenShape Shape => shape;
        public long TrustedUntil => trustedUntil;
        public long? UserId => userId;
        public int LastUsed => Volatile.Read(ref _lastUsed);

        public void Touch(int secondsSinceEpoch)
        {
            if (_lastUsed != secondsSinceEpoch) Volatile.Write(ref _lastUsed, secondsSinceEpoch);
        }

        public string[] Texts() => Unpack(packed, shape.SlotCount);

        public static Remembered? From(TokenValidationResult result, DateTime trustedUntil, Func<string, Func<TokenShape>, TokenShape?> shapeOf)
        {
            var identity = result.ClaimsIdentity;
            var token = result.SecurityToken;
            var claims = identity.Claims.ToArray();
            var issuer = claims.Length > 0 ? claims[0].Issuer : ClaimsIdentity.DefaultIssuer;
            var originalIssuer = claims.Length > 0 ? claims[0].OriginalIssuer : ClaimsIdentity.DefaultIssuer;
            // One issuer for all (a JWT's claims share the token's): a claim from elsewhere would be rebuilt wrongly, so
            // such an identity keeps its issuers by being refused here and validated in full each time instead.
            if (claims.Any(c => c.Issuer != issuer || c.OriginalIssuer != originalIssuer || c.Properties.Count > 0)) return null;

            // A text the runtime already holds (claim types, value types, the issuer and audience from configuration,
            // role names) belongs to the shape; any other is this token's own and gets a slot, one per distinct text.
            var slots = new List<string>();
            Text TextOf(string value)
            {
                if (string.IsInterned(value) is { } interned) return new Text(interned, -1);
                var slot = slots.IndexOf(value);
                if (slot < 0) { slot = slots.Count; slots.Add(value); }
                return new Text(null, slot);
            }
            var claimTexts = claims.Select(c => new ClaimShape(c.Type, c.ValueType, TextOf(c.Value))).ToArray();
            var tokenId = TextOf(token.Id);
            Text? session = identity.FindFirst(MallClaims.Session)?.Value is { } sid ? TextOf(sid) : null;

            // Issuers, names and types are few per shop (configuration and library constants): they are the shape's key.
            var key = new StringBuilder()
                .AppendJoin('\u001f', claimTexts.Select(c => $"{c.Type}\u001e{c.ValueType}\u001e{c.Value}"))
                .Append('\u001d').AppendJoin('\u001f', issuer, originalIssuer, identity.AuthenticationType ?? "\u0000", identity.NameClaimType,
                    identity.RoleClaimType, tokenId, session?.ToString() ?? "\u0000", token.Issuer, result.Issuer ?? "\u0000", result.TokenType ?? "\u0000",
                    slots.Count).ToString();
            var shape = shapeOf(key, () => new TokenShape(claimTexts, issuer, originalIssuer, identity.AuthenticationType, identity.NameClaimType,
                identity.RoleClaimType, tokenId, session, token.Issuer, result.Issuer, result.TokenType, slots.Count));
            if (shape is null) return null;
            return new Remembered(shape, Pack(slots), trustedUntil.Ticks, token.ValidFrom.Ticks, token.ValidTo.Ticks,
                long.TryParse(identity.FindFirst(MallClaims.Subject)?.Value, out var userId) ? userId : null);
        }

        public TokenValidationResult ToResult()
        {
            var texts = Texts();
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = shape.NewIdentity(texts),
                SecurityToken = new RememberedToken(shape.TokenId.Resolve(texts), shape.TokenIssuer,
                    new DateTime(validFrom, DateTimeKind.Utc), new DateTime(validTo, DateTimeKind.Utc)),
                Issuer = shape.Issuer,
                TokenType = shape.TokenType,
            };
        }

        /// <summary>Each text as its UTF-8 length (two bytes) then its bytes.</summary>
        private static byte[] Pack(List<string> texts)
        {
            var packed = new byte[texts.Sum(t => 2 + Encoding.UTF8.GetByteCount(t))];
            var at = 0;
            foreach (var text in texts)
            {
                var length = Encoding.UTF8.GetBytes(text, packed.AsSpan(at + 2));
                BinaryPrimitives.WriteUInt16LittleEndian(packed.AsSpan(at), checked((ushort)length));
                at += 2 + length;
            }
            return packed;
        }

        private static string[] Unpack(byte[] packed, int count)
        {
            var texts = new string[count];
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                var length = BinaryPrimitives.ReadUInt16LittleEndian(packed.AsSpan(at));
                texts[i] = Encoding.UTF8.GetString(packed, at + 2, length);
                at += 2 + length;
            }
            return texts;
        }
    }

    /// <summary>A text of a remembered token: one the shape holds (Constant), or the token's own, by slot.</summary>
    private readonly record struct Text(string? Constant, int Slot)
    {
        public string Resolve(string[] texts) => Constant ?? texts[Slot];
        public override string ToString() => Constant is null ? $"#{Slot}" : $"={Constant}";
    }

    private readonly record struct ClaimShape(string Type, string ValueType, Text Value);

    /// <summary>What the tokens of one kind share: claim names and value types in order, issuers, the identity's
    /// types, and where each claim's value, the token id and the session id come from.</summary>
    private sealed record TokenShape(ClaimShape[] Claims, string ClaimIssuer, string ClaimOriginalIssuer, string? AuthenticationType,
        string NameClaimType, string RoleClaimType, Text TokenId, Text? Session, string TokenIssuer, string? Issuer, string? TokenType, int SlotCount)
    {
        /// <summary>Each request gets its own identity and claims: code further down may add to it.</summary>
        public ClaimsIdentity NewIdentity(string[] texts)
        {
            var identity = new CaseSensitiveClaimsIdentity(AuthenticationType, NameClaimType, RoleClaimType);
            // A claim whose subject is already the identity is added as it is, not cloned.
            foreach (var c in Claims)
                identity.AddClaim(new Claim(c.Type, c.Value.Resolve(texts), c.ValueType, ClaimIssuer, ClaimOriginalIssuer, identity));
            return identity;
        }
    }

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
