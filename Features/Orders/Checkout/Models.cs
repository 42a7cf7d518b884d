using FastEndpoints;
using FluentValidation;
using Mall.Features.Catalog;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Orders.Checkout;

public sealed record CheckoutItem(long SkuId, int Quantity);

public sealed class Request
{
    /// <summary>Client-chosen key (8–64 of A–Z a–z 0–9 - _ : .), e.g. a UUID made when the checkout page opened.</summary>
    [FromHeader("Idempotency-Key", isRequired: false)]
    public string? IdempotencyKey { get; init; }

    /// <summary>Buy these SKUs directly…</summary>
    public CheckoutItem[]? Items { get; init; }

    /// <summary>…or everything in the cart.</summary>
    public bool FromCart { get; init; }

    public long AddressId { get; init; }
}

public sealed record Response(string OrderNo, [ValuesOf(typeof(OrderStatus))] string Status, long TotalCents, DateTime ExpiresAt);

public sealed class Validator : Validator<Request>
{
    /// <summary>Hard input bounds (400). The configurable business caps below them answer 409.</summary>
    public const int MaxItems = 100;
    public const int MaxQuantity = 10_000;

    public Validator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.IdempotencyKey)
            .NotEmpty().WithMessage("The Idempotency-Key header is required: a unique value per checkout attempt (e.g. a UUID).")
            .Matches("^[A-Za-z0-9_:.-]{8,64}$").WithMessage("The Idempotency-Key header must be 8–64 characters of A–Z, a–z, 0–9, '-', '_', ':' or '.'.");
        RuleFor(r => r.AddressId).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.Items).Must(i => i is null || i.Length == 0).When(r => r.FromCart)
            .WithMessage("Send either items or fromCart, not both.");
        RuleFor(r => r.Items).NotEmpty().When(r => !r.FromCart)
            .WithMessage("Send items to buy, or fromCart: true.");
        RuleFor(r => r.Items).Must(i => i!.Length <= MaxItems).WithMessage($"At most {MaxItems} items.")
            .Must(i => i!.Select(x => x?.SkuId).Distinct().Count() == i!.Length).WithMessage("List each SKU once.")
            .When(r => r.Items is { Length: > 0 });
        RuleForEach(r => r.Items).NotNull().ChildRules(item =>
        {
            item.RuleFor(i => i.SkuId).InclusiveBetween(1, CatalogRules.MaxId);
            item.RuleFor(i => i.Quantity).InclusiveBetween(1, MaxQuantity);
        });
    }
}
