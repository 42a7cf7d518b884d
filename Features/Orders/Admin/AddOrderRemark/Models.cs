using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Orders.Admin.AddOrderRemark;

public sealed class Request
{
    public string OrderNo { get; init; } = "";

    /// <summary>The note; operators only ever see it.</summary>
    public string? Text { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.OrderNo).Must(OrderNumbers.LooksValid).WithMessage("An order number is 10–32 letters or digits.");
        RuleFor(r => r.Text).NotEmpty().MaximumLength(500)
            .Must(t => t is null || (t.Trim().Length > 0 && !t.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))))
            .WithMessage("Write a remark of at most 500 characters.");
    }
}
