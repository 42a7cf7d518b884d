using FastEndpoints;
using FluentValidation;
using Mall.Features.Catalog;
using Mall.Features.Orders.Checkout;

namespace Mall.Features.Orders.PreviewOrder;

/// <summary>The lines checkout would take: the same items or fromCart, and optionally the address it would ship to.</summary>
public sealed class Request
{
    /// <summary>Preview these SKUs…</summary>
    public CheckoutItem[]? Items { get; init; }

    /// <summary>…or everything in the cart.</summary>
    public bool FromCart { get; init; }

    /// <summary>Optional: checked to be one of the shopper's addresses.</summary>
    public long? AddressId { get; init; }
}

/// <summary>Why a line or the basket cannot be ordered as it is: a stable code, its words in the caller's language, and the values they name.</summary>
public sealed record Issue(string Code, string Message, IReadOnlyDictionary<string, object?> Args);

/// <summary>
/// One line as checkout would price it. A SKU the shop does not know has an empty title and a zero price; a line with a
/// <c>problem</c> cannot be ordered as it is (its price still counts in the preview's figures).
/// </summary>
public sealed record Line(long SkuId, long ProductId, string Title, Dictionary<string, string> Specs, string Image,
    long UnitPriceCents, int Quantity, long LineTotalCents, int Available, Issue? Problem);

/// <summary>
/// What placing this order would charge: <c>totalCents</c> = <c>subtotalCents</c> + <c>shippingFeeCents</c> (waived from
/// <c>freeShippingFromCents</c>), and the points its payment earns. <c>purchasable</c> is false while any line or the
/// basket (<c>problems</c>) has a problem.
/// </summary>
public sealed record Response(IReadOnlyList<Line> Lines, long SubtotalCents, long ShippingFeeCents, long FreeShippingFromCents,
    long TotalCents, long PointsToEarn, bool Purchasable, IReadOnlyList<Issue> Problems);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.AddressId).InclusiveBetween(1, CatalogRules.MaxId).When(r => r.AddressId is not null);
        RuleFor(r => r.Items).Must(i => i is null || i.Length == 0).When(r => r.FromCart)
            .WithMessage("Send either items or fromCart, not both.");
        RuleFor(r => r.Items).NotEmpty().When(r => !r.FromCart)
            .WithMessage("Send items to preview, or fromCart: true.");
        RuleFor(r => r.Items).Must(i => i!.Length <= Checkout.Validator.MaxItems).WithMessage($"At most {Checkout.Validator.MaxItems} items.")
            .Must(i => i!.Select(x => x?.SkuId).Distinct().Count() == i!.Length).WithMessage("List each SKU once.")
            .When(r => r.Items is { Length: > 0 });
        RuleForEach(r => r.Items).NotNull().ChildRules(item =>
        {
            item.RuleFor(i => i.SkuId).InclusiveBetween(1, CatalogRules.MaxId);
            item.RuleFor(i => i.Quantity).InclusiveBetween(1, Checkout.Validator.MaxQuantity);
        });
    }
}
