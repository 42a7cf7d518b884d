namespace Mall.Features.Challenges;

/// <summary>Configuration section "Challenges" (docs/security.md states what each difficulty costs a bot and a phone).</summary>
public sealed class ChallengeOptions
{
    /// <summary>How long an issued challenge may be answered.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Leading zero bits asked of a sign-in from an address over its failure threshold.</summary>
    public int LoginDifficulty { get; set; } = 18;

    /// <summary>Leading zero bits asked of a registration from an address over its registration threshold.</summary>
    public int RegisterDifficulty { get; set; } = 18;

    /// <summary>The most any challenge may ask (an activity's challengeBits included): 2^26 hashes is seconds on a phone.</summary>
    public const int MaxDifficulty = 26;
}
