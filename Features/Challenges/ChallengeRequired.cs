using Mall.Infrastructure;

namespace Mall.Features.Challenges;

public static class ChallengeRequired
{
    public const string Code = "challenge_required";

    /// <summary>428 Precondition Required: solve this challenge (POST /challenges) and send the answer in Mall-Challenge.</summary>
    public static IResult Result(ChallengeDemand demand) => Problem.Of(StatusCodes.Status428PreconditionRequired, "Challenge required",
        $"Solve a {demand.Purpose} challenge ({demand.Difficulty} bits) and send the answer in the {ProofOfWork.Header} header.",
        new Dictionary<string, object?> { ["code"] = Code, ["challenge"] = demand });
}
