using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.UpdateProduct;

public sealed class Request : IProductInput
{
    public long Id { get; init; }
    public long CategoryId { get; init; }
    public string Title { get; init; } = "";
    public string? Subtitle { get; init; }
    public string? Description { get; init; }
    public string[]? Images { get; init; }
    /// <summary>SKUs with an id are edited (specs, price; stock has its own endpoint); SKUs without one are added.
    /// SKUs left out stay as they are: placed orders refer to them.</summary>
    public SkuInput[] Skus { get; init; } = [];
}

public sealed record Response(long Id, IReadOnlyList<SkuOutput> Skus);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        Include(new ProductInputRules<Request>());
        RuleForEach(r => r.Skus).Must(s => s is null || s.Id is not null || s.Stock is not null).WithMessage("A new SKU needs a stock.");
    }
}
