using FluentValidation;

namespace Mall.Features.Seckill.Admin;

/// <summary>The terms of an activity that create and update both set, with one set of rules.</summary>
public interface IActivityTerms
{
    string Title { get; }
    long PriceCents { get; }
    int Stock { get; }
    int LimitPerUser { get; }
    DateTimeOffset StartsAt { get; }
    DateTimeOffset EndsAt { get; }
    /// <summary>Proof of work asked before each attempt token (leading zero bits; 0 = none).</summary>
    int ChallengeBits { get; }
    /// <summary>How long its orders wait for payment, in seconds (null: Seckill:OrderExpiry, 5 minutes by default).</summary>
    int? PaymentSeconds { get; }
}

public sealed class ActivityTermsRules<T> : AbstractValidator<T> where T : IActivityTerms
{
    public ActivityTermsRules()
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(120);
        // Strictly positive: the order writer derives an item's quantity as total / price.
        RuleFor(r => r.PriceCents).GreaterThan(0);
        RuleFor(r => r.Stock).InclusiveBetween(1, ActivityTerms.MaxStock);
        RuleFor(r => r.LimitPerUser).InclusiveBetween(1, ActivityTerms.MaxLimitPerUser);
        RuleFor(r => r.StartsAt).NotEmpty();
        RuleFor(r => r.EndsAt).GreaterThan(r => r.StartsAt).WithMessage("endsAt must be after startsAt.");
        RuleFor(r => r.ChallengeBits).InclusiveBetween(0, Challenges.ChallengeOptions.MaxDifficulty);
        RuleFor(r => r.PaymentSeconds).InclusiveBetween(60, 3600).When(r => r.PaymentSeconds is not null);
    }
}

public static class ActivityTerms
{
    public const int MaxStock = 1_000_000;
    public const int MaxLimitPerUser = 100;
}
