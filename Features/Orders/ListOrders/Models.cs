using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Orders.ListOrders;

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
        RuleFor(r => r.Status).Must(s => s is null || OrderStatus.All.Contains(s))
            .WithMessage($"Status must be one of: {string.Join(", ", OrderStatus.All)}.").WithErrorCode("order.status_invalid");
        RuleFor(r => r.Page).InclusiveBetween(1, 1000);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
    }
}
