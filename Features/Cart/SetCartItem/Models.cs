using FastEndpoints;
using FluentValidation;
using Mall.Features.Catalog;

namespace Mall.Features.Cart.SetCartItem;

public sealed class Request
{
    public long SkuId { get; init; }
    public int? Quantity { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator(CartOptions options)
    {
        RuleFor(r => r.SkuId).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.Quantity).NotNull().InclusiveBetween(1, options.MaxQuantityPerLine);
    }
}
