using FastEndpoints;
using FluentValidation;
using Mall.Features.Catalog;

namespace Mall.Features.Cart.RemoveCartItem;

public sealed class Request
{
    public long SkuId { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.SkuId).InclusiveBetween(1, CatalogRules.MaxId);
}
