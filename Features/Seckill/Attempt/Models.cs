using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.Attempt;

public sealed class Request
{
    public long Id { get; set; }
    public string Token { get; set; } = "";
    public int Quantity { get; set; }
}

public sealed record Response(string ReservationId, [ValuesOf(typeof(ReservationStatus))] string Status);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Token).NotEmpty().MaximumLength(64);
        // The upper bound is the activity's own limit, checked inside the attempt script (400 as well).
        RuleFor(r => r.Quantity).GreaterThan(0).LessThanOrEqualTo(Admin.ActivityTerms.MaxLimitPerUser);
    }
}
