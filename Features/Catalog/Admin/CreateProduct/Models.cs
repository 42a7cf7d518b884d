using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.CreateProduct;

public sealed record Request(long CategoryId, string Title, string? Subtitle, string? Description, string[]? Images, SkuInput[] Skus)
    : IProductInput;

public sealed record Response(long Id, IReadOnlyList<SkuOutput> Skus);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        Include(new ProductInputRules<Request>());
        RuleFor(r => r.Images).Must(i => i is null || i.Length <= CatalogRules.MaxImages).WithMessage($"At most {CatalogRules.MaxImages} images.")
            .Must(i => i is null || CatalogRules.ToJson(i).Length <= 60_000).WithMessage("Image paths are too long.");
        RuleForEach(r => r.Images).NotEmpty().MaximumLength(300)
            .Must(CatalogRules.IsSitePath).WithMessage("Images are site-local paths such as /media/products/x.svg.");
        RuleForEach(r => r.Skus).Must(s => s is null || s.Id is null).WithMessage("New SKUs have no id.")
            .Must(s => s is null || s.Stock is not null).WithMessage("Every new SKU needs a stock.");
    }
}
