using System.Security.Cryptography;
using System.Text;
using Mall.Infrastructure.Auth;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace Mall.Features.Auth;

public enum RotationOutcome { Rotated, Invalid, Revoked, Reused }

public sealed record RefreshGrant(string Token, string FamilyId, DateTimeOffset ExpiresAt);

public sealed record Rotation(RotationOutcome Outcome, long UserId = 0, RefreshGrant? Grant = null);

/// <summary>
/// Refresh tokens: "{familyId}.{256-bit secret}". One Redis hash per family ("auth:rt:{familyId}") holds the
/// owner, the device, the SHA-256 of the one current secret, and the hashes of every secret already rotated away.
/// Presenting a rotated secret means it leaked (or was replayed): the whole family is revoked. The key's TTL is
/// the current token's lifetime, renewed on each rotation; a revoked family is kept until then so replays of
/// any of its tokens keep failing.
/// </summary>
public sealed class RefreshTokens(IDatabase redis, AuthOptions options, TimeProvider clock)
{
    private static readonly LuaScript RotateScript = LuaScript.Prepare("""
        if redis.call('EXISTS', @family) == 0 then return {'invalid'} end
        if redis.call('HGET', @family, 'revoked') == '1' then return {'revoked'} end
        if redis.call('HGET', @family, 'current') == @presented then
          redis.call('HSET', @family, 'current', @replacement, 'h:' .. @presented, '1')
          redis.call('EXPIRE', @family, @ttl)
          return {'rotated', redis.call('HGET', @family, 'user')}
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
        batch.Execute();
        await Task.WhenAll(set, expire);
        return new RefreshGrant(token, familyId, clock.GetUtcNow().Add(Lifetime));
    }

    public async Task<Rotation> RotateAsync(string? presented)
    {
        if (!TryParse(presented, out var familyId, out var secret)) return new Rotation(RotationOutcome.Invalid);
        var (replacement, replacementHash) = NewSecret(familyId);
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(RotateScript, new
        {
            family = (RedisKey)FamilyKey(familyId),
            presented = Hash(secret),
            replacement = replacementHash,
            ttl = (long)Lifetime.TotalSeconds,
        }))!;
        return result[0].ToString() switch
        {
            "rotated" => new Rotation(RotationOutcome.Rotated, (long)result[1],
                new RefreshGrant(replacement, familyId, clock.GetUtcNow().Add(Lifetime))),
            "reused" => new Rotation(RotationOutcome.Reused),
            "revoked" => new Rotation(RotationOutcome.Revoked),
            _ => new Rotation(RotationOutcome.Invalid),
        };
    }

    public Task RevokeFamilyAsync(string familyId) =>
        redis.ScriptEvaluateAsync(
            "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end",
            [FamilyKey(familyId)]);

    private static string FamilyKey(string familyId) => $"auth:rt:{{{familyId}}}";

    private static (string Token, string Hash) NewSecret(string familyId)
    {
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return ($"{familyId}.{secret}", Hash(secret));
    }

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
