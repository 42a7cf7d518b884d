using System.Net.Http.Json;
using Mall.LoadTests.Shop;

namespace Mall.Tests.Infrastructure;

/// <summary>What a client does on 428 challenge_required: ask for a challenge and search for its answer.</summary>
public static class Challenges
{
    /// <summary>A fresh answer, as the Mall-Challenge header value, for a challenge of this purpose (solved by the load
    /// CLI's solver, the same one a benchmark uses).</summary>
    public static async Task<string> SolvedAsync(MallApp app, string purpose, long? activityId = null)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/challenges", new { purpose, activityId });
        var issued = await response.ReadAsync<Issued>();
        return $"{issued.ChallengeId}:{ChallengeSolver.Solve(issued.ChallengeId!, issued.Difficulty)}";
    }

    private sealed record Issued(string? ChallengeId, int Difficulty, DateTimeOffset? ExpiresAt);
}
