using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Orders.CancelOrder;

public sealed class Request
{
    public string OrderNo { get; init; } = "";

    /// <summary>Why the shopper cancels (optional; kept on the order, shown in its timeline and in the console).</summary>
    public string? Reason { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public const int MaxReasonLength = 200;

    public Validator()
    {
        RuleFor(r => r.OrderNo).Must(OrderNumbers.LooksValid).WithMessage("An order number is 10–32 letters or digits.").WithErrorCode("order.number_invalid");
        RuleFor(r => r.Reason).MaximumLength(MaxReasonLength)
            .Must(r => r is null || !r.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            .WithMessage("Reason must not contain control characters.").WithErrorCode("input.control_characters");
    }
}
