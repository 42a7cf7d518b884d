using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Seckill.Admin.Create;

public sealed class Request
{
    public long SkuId { get; set; }
    public string Title { get; set; } = "";
    public long PriceCents { get; set; }
    public int Stock { get; set; }
    public int LimitPerUser { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
}

public sealed record Response(long Id);

public sealed class Validator : Validator<Request>
{
    public const int MaxStock = 1_000_000;
    public const int MaxLimitPerUser = 100;

    public Validator()
    {
        RuleFor(r => r.SkuId).GreaterThan(0);
        RuleFor(r => r.Title).NotEmpty().MaximumLength(120);
        // Strictly positive: the order writer derives an item's quantity as total / price.
        RuleFor(r => r.PriceCents).GreaterThan(0);
        RuleFor(r => r.Stock).InclusiveBetween(1, MaxStock);
        RuleFor(r => r.LimitPerUser).InclusiveBetween(1, MaxLimitPerUser);
        RuleFor(r => r.StartsAt).NotEmpty();
        RuleFor(r => r.EndsAt).GreaterThan(r => r.StartsAt).WithMessage("endsAt must be after startsAt.");
    }
}
