using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Orders.Admin.ShipOrder;

public sealed class Request
{
    public string OrderNo { get; init; } = "";

    /// <summary>The carrier's name as the shopper knows it: 顺丰速运, 中通快递, SF Express.</summary>
    public string? Carrier { get; init; }

    /// <summary>The carrier's waybill number.</summary>
    public string? TrackingNo { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.OrderNo).Must(OrderNumbers.LooksValid).WithMessage("An order number is 10–32 letters or digits.");
        RuleFor(r => r.Carrier).NotEmpty().MaximumLength(32)
            .Must(c => c is null || (c.Trim().Length > 0 && !c.Any(char.IsControl))).WithMessage("Name the carrier (no control characters).");
        // Waybill numbers are letters, digits and dashes; anything else is a typo (or worse) the shopper would copy.
        RuleFor(r => r.TrackingNo).NotEmpty().Matches("^[A-Za-z0-9-]{4,40}$")
            .WithMessage("A tracking number is 4–40 letters, digits or dashes.");
    }
}
