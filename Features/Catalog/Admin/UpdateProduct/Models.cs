using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.UpdateProduct;

public sealed class Request : IProductInput
{
    public long Id { get; init; }
    /// <summary>The version the edit was made from (from the product's detail or ETag). If the product changed since,
    /// the edit is refused with 409 <c>product.version_conflict</c> and nothing is written.</summary>
    public int? Version { get; init; }
    public long CategoryId { get; init; }
    public string Title { get; init; } = "";
    public string? Subtitle { get; init; }
    public string? Description { get; init; }
    /// <summary>SKUs with an id are edited (specs, price, and stock when given); SKUs without one are added.
    /// SKUs left out stay as they are: placed orders refer to them. Images have endpoints of their own.</summary>
    public SkuInput[] Skus { get; init; } = [];
}

/// <summary>The product's new version and all its SKUs.</summary>
public sealed record Response(long Id, int Version, IReadOnlyList<SkuOutput> Skus);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.Version).NotNull().InclusiveBetween(1, int.MaxValue);
        Include(new ProductInputRules<Request>());
        RuleForEach(r => r.Skus).Must(s => s is null || s.Id is not null || s.Stock is not null).WithMessage("A new SKU needs a stock.");
        RuleFor(r => r.Skus).Must(s => s is null || s.Where(k => k?.Id is not null).GroupBy(k => k.Id).All(g => g.Count() == 1))
            .WithMessage("A SKU may be named once.");
    }
}
