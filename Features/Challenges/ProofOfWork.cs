using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Mall.Features.Challenges;

/// <summary>
/// Proof of work that slows scripts without locking anyone out. The server hands out a random challenge id with a
/// purpose and a difficulty; the client searches for a decimal <c>solution</c> such that SHA-256 of
/// "<c>{challengeId}:{solution}</c>" starts with that many zero bits (2^difficulty hashes on average) and sends
/// "<c>Mall-Challenge: {challengeId}:{solution}</c>" with the guarded request. The server checks it with one hash,
/// and accepts each challenge once: the Redis entry is taken (GETDEL) before the hash is checked, so a wrong answer
/// spends the challenge too.
/// </summary>
public sealed class ProofOfWork(IDatabase redis, ChallengeOptions options, TimeProvider clock)
{
    public const string Header = "Mall-Challenge";

    public async Task<IssuedChallenge> IssueAsync(string purpose, long? activityId, int difficulty)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        await redis.StringSetAsync(Key(id), $"{purpose}|{activityId}|{difficulty}", options.Lifetime);
        return new IssuedChallenge(id, difficulty, clock.GetUtcNow().Add(options.Lifetime));
    }

    /// <summary>Whether the request's <see cref="Header"/> answers, for the first time, a challenge issued for this
    /// purpose (and activity) at no less than <paramref name="difficulty"/> bits.</summary>
    public async Task<bool> VerifyAsync(HttpRequest request, string purpose, long? activityId, int difficulty)
    {
        var answer = request.Headers[Header].ToString();
        var colon = answer.IndexOf(':');
        if (colon != 22 || answer.Length - colon - 1 is < 1 or > 20) return false;
        var id = answer[..colon];
        var solution = answer.AsSpan(colon + 1);
        foreach (var c in solution) if (!char.IsAsciiDigit(c)) return false;

        var issued = (string?)await redis.StringGetDeleteAsync(Key(id));
        if (issued is null) return false;
        var parts = issued.Split('|');
        if (parts.Length != 3 || parts[0] != purpose || parts[1] != (activityId?.ToString() ?? "")
            || !int.TryParse(parts[2], out var issuedDifficulty) || issuedDifficulty < difficulty)
            return false;
        return LeadingZeroBits(Hash(answer)) >= issuedDifficulty;
    }

    public static byte[] Hash(string answer) => SHA256.HashData(Encoding.UTF8.GetBytes(answer));

    public static int LeadingZeroBits(ReadOnlySpan<byte> hash)
    {
        var bits = 0;
        foreach (var b in hash)
        {
            if (b == 0) { bits += 8; continue; }
            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
        }
        return bits;
    }

    private static RedisKey Key(string id) => $"pow:{id}";
}

public sealed record IssuedChallenge(string ChallengeId, int Difficulty, DateTimeOffset ExpiresAt);

/// <summary>Why a guarded request answers 428: which challenge to solve before trying again.</summary>
public sealed record ChallengeDemand(string Purpose, int Difficulty, [property: System.Text.Json.Serialization.JsonIgnore(
    Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? ActivityId);

public static class ChallengePurposes
{
    public const string Login = "login";
    public const string Register = "register";
    public const string Seckill = "seckill";
}
