using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Seckill.Admin.ListAllActivities;

public sealed class Request
{
    public string? Status { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Status).Must(s => s is null || AdminActivityStatus.All.Contains(s))
            .WithMessage($"Status must be one of: {string.Join(", ", AdminActivityStatus.All)}.");
        RuleFor(r => r.Page).InclusiveBetween(1, 1000);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
    }
}
