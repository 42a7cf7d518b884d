using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.GetProduct;

public sealed class Request
{
    public long Id { get; init; }
}

public sealed record SkuView(long Id, Dictionary<string, string> Specs, long PriceCents, int Available);

/// <summary>A product page. <c>available</c> = stock − locked − sold.</summary>
public sealed record Response(long Id, long CategoryId, string Title, string Subtitle, string Description, string[] Images,
    long MinPriceCents, long Sales, DateTime CreatedAt, IReadOnlyList<SkuView> Skus);

public sealed class Validator : Validator<Request>
{
    // A non-numeric id fails binding and an out-of-range one fails here: neither reaches Redis or MySQL.
    public Validator() => RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
}
