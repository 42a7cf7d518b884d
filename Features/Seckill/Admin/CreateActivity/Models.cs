using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Seckill.Admin.CreateActivity;

public sealed class Request : IActivityTerms
{
    public long SkuId { get; set; }
    public string Title { get; set; } = "";
    public long PriceCents { get; set; }
    public int Stock { get; set; }
    public int LimitPerUser { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public int ChallengeBits { get; set; }
    public int? PaymentSeconds { get; set; }
}

public sealed record Response(long Id);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.SkuId).GreaterThan(0);
        Include(new ActivityTermsRules<Request>());
    }
}
