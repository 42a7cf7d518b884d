using Mall.Infrastructure;

namespace Mall.Features.Challenges;

public static class ChallengesFeature
{
    /// <summary>Proof-of-work challenges: sign-in and registration from a busy address, and seckill tokens.</summary>
    public static void AddChallengesFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<ChallengeOptions>("Challenges").Validate(
            o => o.LoginDifficulty is >= 0 and <= ChallengeOptions.MaxDifficulty && o.RegisterDifficulty is >= 0 and <= ChallengeOptions.MaxDifficulty,
            $"Challenges:LoginDifficulty and RegisterDifficulty must be between 0 and {ChallengeOptions.MaxDifficulty}.");
        builder.Services.AddSingleton<ProofOfWork>();
    }
}
