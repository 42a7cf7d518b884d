using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.SortProductImages;

public sealed class Request
{
    public long Id { get; init; }
    /// <summary>Every image id of the product, each once, in the new display order (the first is the cover).</summary>
    public long[] ImageIds { get; init; } = [];
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.ImageIds).NotNull().Must(ids => ids.Length <= CatalogRules.MaxImages)
            .WithMessage($"A product has at most {CatalogRules.MaxImages} images.")
            .Must(ids => ids.Distinct().Count() == ids.Length).WithMessage("Each image may be named once.");
        RuleForEach(r => r.ImageIds).InclusiveBetween(1, CatalogRules.MaxId);
    }
}
