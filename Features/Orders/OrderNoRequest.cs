using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Orders;

/// <summary>Routes addressed by order number; the shape is checked before any I/O.</summary>
public sealed class OrderNoRequest
{
    public string OrderNo { get; init; } = "";
}

public sealed class OrderNoValidator : Validator<OrderNoRequest>
{
    public OrderNoValidator() =>
        RuleFor(r => r.OrderNo).Must(OrderNumbers.LooksValid).WithMessage("An order number is 10–32 letters or digits.").WithErrorCode("order.number_invalid");
}
