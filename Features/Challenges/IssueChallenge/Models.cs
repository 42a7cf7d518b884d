using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Challenges.IssueChallenge;

public sealed class Request
{
    [ValuesOf(typeof(ChallengePurposes))]
    public string Purpose { get; init; } = "";

    /// <summary>With purpose "seckill": the activity whose token the answer is for.</summary>
    public long? ActivityId { get; init; }
}

/// <summary>Difficulty 0: nothing to solve (no id, no expiry).</summary>
public sealed record Response(string? ChallengeId, int Difficulty, DateTimeOffset? ExpiresAt);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Purpose).Must(p => p is ChallengePurposes.Login or ChallengePurposes.Register or ChallengePurposes.Seckill)
            .WithMessage("Purpose must be \"login\", \"register\" or \"seckill\".").WithErrorCode("challenge.purpose_invalid");
        RuleFor(r => r.ActivityId).NotNull().GreaterThan(0).When(r => r.Purpose == ChallengePurposes.Seckill)
            .WithMessage("A seckill challenge names its activityId.").WithErrorCode("challenge.activity_required");
        RuleFor(r => r.ActivityId).Null().When(r => r.Purpose != ChallengePurposes.Seckill)
            .WithMessage("Only a seckill challenge names an activity.").WithErrorCode("challenge.activity_unexpected");
    }
}
