using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Orders.Admin.CloseOrder;

public sealed class Request
{
    public string OrderNo { get; init; } = "";

    /// <summary>Why the operator closes it (shown in the order's timeline and the audit log).</summary>
    public string? Reason { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.OrderNo).Must(OrderNumbers.LooksValid).WithMessage("An order number is 10–32 letters or digits.");
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(200)
            .Must(r => r is null || (r.Trim().Length > 0 && !r.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))))
            .WithMessage("Give a reason of at most 200 characters.");
    }
}
