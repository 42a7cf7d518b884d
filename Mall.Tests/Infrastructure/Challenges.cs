using System.Net.Http.Json;
using System.Text;
using System.Security.Cryptography;

namespace Mall.Tests.Infrastructure;

/// <summary>What a client does on 428 challenge_required: ask for a challenge and search for its answer.</summary>
public static class Challenges
{
    /// <summary>A fresh answer, as the Mall-Challenge header value, for a challenge of this purpose.</summary>
    public static async Task<string> SolvedAsync(MallApp app, string purpose, long? activityId = null)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/challenges", new { purpose, activityId });
        var issued = await response.ReadAsync<Issued>();
        return $"{issued.ChallengeId}:{Solve(issued.ChallengeId!, issued.Difficulty)}";
    }

    public static long Solve(string challengeId, int difficulty)
    {
        for (long solution = 0; ; solution++)
            if (LeadingZeroBits(SHA256.HashData(Encoding.UTF8.GetBytes($"{challengeId}:{solution}"))) >= difficulty)
                return solution;
    }

    public static int LeadingZeroBits(byte[] hash)
    {
        var bits = 0;
        foreach (var b in hash)
        {
            if (b == 0) { bits += 8; continue; }
            for (var mask = 0x80; (b & mask) == 0; mask >>= 1) bits++;
            break;
        }
        return bits;
    }

    private sealed record Issued(string? ChallengeId, int Difficulty, DateTimeOffset? ExpiresAt);
}
