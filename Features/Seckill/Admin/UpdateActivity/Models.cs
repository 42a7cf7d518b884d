using FastEndpoints;

namespace Mall.Features.Seckill.Admin.UpdateActivity;

public sealed class Request : IActivityTerms
{
    public long Id { get; set; }
    public string Title { get; set; } = "";
    public long PriceCents { get; set; }
    public int Stock { get; set; }
    public int LimitPerUser { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public int ChallengeBits { get; set; }
    public int? PaymentSeconds { get; set; }
}

public sealed record Response(long Id, bool Published);

public sealed class Validator : Validator<Request>
{
    public Validator() => Include(new ActivityTermsRules<Request>());
}
