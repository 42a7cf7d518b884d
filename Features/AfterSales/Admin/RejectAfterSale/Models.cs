using FastEndpoints;
using FluentValidation;

namespace Mall.Features.AfterSales.Admin.RejectAfterSale;

public sealed class Request
{
    public string AfterSaleNo { get; init; } = "";
    /// <summary>Why, for the shopper (required).</summary>
    public string? Note { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.AfterSaleNo).Must(AfterSaleNumbers.LooksValid).WithMessage("An after-sale number is 10–32 letters or digits.");
        RuleFor(r => r.Note).NotEmpty().MaximumLength(200);
    }
}
