using System.Security.Cryptography;
using System.Text;
using Mall.Infrastructure.Auth;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace Mall.Features.Auth;

public enum RotationOutcome { Rotated, Invalid, Revoked, Reused }

public sealed record RefreshGrant(string Token, string FamilyId, DateTimeOffset ExpiresAt);

public sealed record Rotation(RotationOutcome Outcome, long UserId = 0, RefreshGrant? Grant = null, string? FamilyId = null);

/// <summary>
/// Refresh tokens: "{familyId}.{256-bit secret}". One Redis hash per family ("auth:rt:{familyId}") holds the
/// owner, the device, the SHA-256 of the one current secret, and the hashes of every secret already rotated away.
/// Presenting a rotated secret means it leaked (or was replayed): the whole family is revoked. The key's TTL is
/// the current token's lifetime, renewed on each rotation; a revoked family is kept until then so replays of
/// any of its tokens keep failing.
/// <para>
/// One exception, for concurrent refreshes: browser tabs share the refresh cookie, so two tabs whose access tokens
/// expired together both present the same secret, and the second would otherwise sign the shopper out everywhere.
/// For <see cref="AuthOptions.RefreshReuseGraceSeconds"/> after a rotation, the secret just rotated away is answered
/// with the <i>same</i> successor (so every tab ends with the one current token) instead of being treated as
/// reuse. The successor is kept for that window sealed (AES-GCM) under a key derived from the secret it replaced,
/// so Redis still holds nothing a refresh token can be rebuilt from without already owning one. A replay inside the
/// window only delays detection: the two holders share one successor, and the next rotation by either makes the
/// other's next use a reuse.
/// </para>
/// </summary>
public sealed class RefreshTokens(IDatabase redis, AuthOptions options, TimeProvider clock)
{
    private static readonly LuaScript RotateScript = LuaScript.Prepare("""
        if redis.call('EXISTS', @family) == 0 then return {'invalid'} end
        if redis.call('HGET', @family, 'revoked') == '1' then return {'revoked'} end
        if redis.call('HGET', @family, 'current') == @presented then
          redis.call('HSET', @family, 'current', @replacement, 'h:' .. @presented, '1',
                     'prev', @presented, 'prev_at', @now, 'prev_next', @sealed)
          redis.call('EXPIRE', @family, @ttl)
          return {'rotated', redis.call('HGET', @family, 'user')}
        end
        if redis.call('HGET', @family, 'prev') == @presented
           and tonumber(@now) - tonumber(redis.call('HGET', @family, 'prev_at')) < tonumber(@grace) then
          return {'concurrent', redis.call('HGET', @family, 'user'), redis.call('HGET', @family, 'prev_next')}
        end
        if redis.call('HEXISTS', @family, 'h:' .. @presented) == 1 then
          redis.call('HSET', @family, 'revoked', '1')
          return {'reused'}
        end
        return {'invalid'}
        """);

    private TimeSpan Lifetime => TimeSpan.FromDays(options.RefreshTokenDays);

    public async Task<RefreshGrant> IssueAsync(long userId, string? deviceId)
    {
        var familyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var (token, hash) = NewSecret(familyId);
        var key = FamilyKey(familyId);
        var batch = redis.CreateBatch();
        var set = batch.HashSetAsync(key, [
            new HashEntry("user", userId), new HashEntry("device", deviceId ?? ""), new HashEntry("current", hash),
            new HashEntry("revoked", "0"), new HashEntry("created", clock.GetUtcNow().ToUnixTimeSeconds()),
        ]);
        var expire = batch.KeyExpireAsync(key, Lifetime);
        // Each account's sign-ins, so that disabling it can end them all.
        var listed = batch.SetAddAsync(SessionsKey(userId), familyId);
        var kept = batch.KeyExpireAsync(SessionsKey(userId), Lifetime);
        batch.Execute();
        await Task.WhenAll(set, expire, listed, kept);
        return new RefreshGrant(token, familyId, clock.GetUtcNow().Add(Lifetime));
    }

    /// <param name="fromCookie">Only a browser cookie, shared by tabs, gets the reuse grace.</param>
    public async Task<Rotation> RotateAsync(string? presented, bool fromCookie)
    {
        if (!TryParse(presented, out var familyId, out var secret)) return new Rotation(RotationOutcome.Invalid);
        var (replacement, replacementHash) = NewSecret(familyId);
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(RotateScript, new
        {
            family = (RedisKey)FamilyKey(familyId),
            presented = Hash(secret),
            replacement = replacementHash,
            ttl = (long)Lifetime.TotalSeconds,
            now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            grace = fromCookie ? Math.Clamp(options.RefreshReuseGraceSeconds, 0, AuthOptions.MaxRefreshReuseGraceSeconds) * 1000L : 0L,
            @sealed = Seal(replacement, secret),
        }))!;
        return result[0].ToString() switch
        {
            "rotated" => new Rotation(RotationOutcome.Rotated, (long)result[1],
                new RefreshGrant(replacement, familyId, clock.GetUtcNow().Add(Lifetime))),
            "concurrent" when Unseal((string?)result[2], secret) is { } successor => new Rotation(RotationOutcome.Rotated,
                (long)result[1], new RefreshGrant(successor, familyId, clock.GetUtcNow().Add(Lifetime))),
            "reused" => new Rotation(RotationOutcome.Reused, FamilyId: familyId),
            "revoked" => new Rotation(RotationOutcome.Revoked),
            _ => new Rotation(RotationOutcome.Invalid),
        };
    }

    public Task RevokeFamilyAsync(string familyId) =>
        redis.ScriptEvaluateAsync(
            "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end",
            [FamilyKey(familyId)]);

    /// <summary>Revokes every sign-in of the account (but <paramref name="except"/>, the one changing its password) and
    /// returns their ids (the sessions its access tokens name).</summary>
    public async Task<string[]> RevokeAllOfUserAsync(long userId, string? except = null)
    {
        var families = (await redis.SetMembersAsync(SessionsKey(userId))).Select(f => f.ToString()).Where(f => f != except).ToArray();
        await Task.WhenAll(families.Select(RevokeFamilyAsync));
        return families;
    }

    private static string FamilyKey(string familyId) => $"auth:rt:{{{familyId}}}";

    private static string SessionsKey(long userId) => $"auth:sessions:{userId}";

    private static (string Token, string Hash) NewSecret(string familyId)
    {
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return ($"{familyId}.{secret}", Hash(secret));
    }

    /// <summary>The successor, encrypted under a key only the holder of the secret it replaces can derive.</summary>
    private static string Seal(string successor, string replacedSecret)
    {
        var plain = Encoding.UTF8.GetBytes(successor);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(SealingKey(replacedSecret), TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length));
        return Convert.ToBase64String(sealedBytes);
    }

    private static string? Unseal(string? sealedText, string replacedSecret)
    {
        if (sealedText is null) return null;
        try
        {
            var sealedBytes = Convert.FromBase64String(sealedText);
            if (sealedBytes.Length <= NonceSize + TagSize) return null;
            var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
            using var aes = new AesGcm(SealingKey(replacedSecret), TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length),
                sealedBytes.AsSpan(NonceSize + plain.Length), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    private const int NonceSize = 12, TagSize = 16;

    private static byte[] SealingKey(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes("mall-refresh-successor:" + secret));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static bool TryParse(string? token, out string familyId, out string secret)
    {
        familyId = secret = "";
        if (string.IsNullOrEmpty(token) || token.Length > 128) return false;
        var dot = token.IndexOf('.');
        if (dot != 22 || token.Length - dot - 1 != 43) return false;
        familyId = token[..dot];
        secret = token[(dot + 1)..];
        return familyId.All(IsBase64Url) && secret.All(IsBase64Url);
    }

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}

/// <summary>The browser's copy of the refresh token: HttpOnly, SameSite=Strict, only sent to the auth endpoints.</summary>
public static class RefreshCookie
{
    public const string Name = "mall_rt";
    public const string Path = "/api/v1/auth";

    public static void Write(HttpResponse response, RefreshGrant grant, AuthOptions options) =>
        response.Cookies.Append(Name, grant.Token, Options(options, grant.ExpiresAt));

    public static void Clear(HttpResponse response, AuthOptions options) =>
        response.Cookies.Delete(Name, Options(options, null));

    private static CookieOptions Options(AuthOptions options, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = options.SecureCookie,
        Path = Path,
        Expires = expires,
        IsEssential = true,
    };
}
