using FluentValidation;

namespace Mall.Features.Catalog.Admin;

/// <summary>A SKU as the admin sends it. On update, an <c>id</c> edits that SKU (specs, price, and stock when given);
/// no id adds one.</summary>
public sealed record SkuInput(long? Id, Dictionary<string, string> Specs, long PriceCents, int? Stock);

public sealed record SkuOutput(long Id, Dictionary<string, string> Specs, long PriceCents, int Stock);

/// <summary>The fields create and update share, with one set of rules.</summary>
public interface IProductInput
{
    long CategoryId { get; }
    string Title { get; }
    string? Subtitle { get; }
    string? Description { get; }
    SkuInput[] Skus { get; }
}

/// <summary>What create and update check in MySQL before writing: the product's category exists.</summary>
public static class ProductInputRules
{
    /// <summary>Inside the write's transaction: the shared lock keeps the category from being deleted until it commits.</summary>
    public const string CategoryExists = "SELECT COUNT(*) FROM categories WHERE id = @CategoryId LOCK IN SHARE MODE";
}

public sealed class ProductInputRules<T> : AbstractValidator<T> where T : IProductInput
{
    public const int MaxSkus = 50;
    public const long MaxPriceCents = 100_000_000; // ¥1,000,000
    public const int MaxStock = 1_000_000;

    public ProductInputRules()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.CategoryId).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.Title).NotEmpty().MaximumLength(120).Must(NoControl).WithMessage("Title must not contain control characters.");
        RuleFor(r => r.Subtitle).MaximumLength(200);
        RuleFor(r => r.Description).MaximumLength(20_000);
        RuleFor(r => r.Skus).NotEmpty().Must(s => s.Length <= MaxSkus).WithMessage($"At most {MaxSkus} SKUs.");
        RuleForEach(r => r.Skus).NotNull().ChildRules(sku =>
        {
            sku.RuleLevelCascadeMode = CascadeMode.Stop;
            sku.RuleFor(s => s.Specs).NotNull()
                .Must(s => s.Count <= 5).WithMessage("At most 5 spec attributes.")
                .Must(s => s.All(kv => kv.Key.Length is > 0 and <= 20 && kv.Value is { Length: > 0 and <= 40 }))
                .WithMessage("Spec names are 1–20 and values 1–40 characters.")
                .Must(s => CatalogRules.ToJson(s).Length <= CatalogRules.MaxSpecsJsonLength).WithMessage("Specs are too long.");
            sku.RuleFor(s => s.PriceCents).InclusiveBetween(0, MaxPriceCents);
            sku.RuleFor(s => s.Stock).InclusiveBetween(0, MaxStock).When(s => s.Stock is not null);
            sku.RuleFor(s => s.Id).InclusiveBetween(1, CatalogRules.MaxId).When(s => s.Id is not null);
        });
    }

    private static bool NoControl(string? text) => text is null || !text.Any(char.IsControl);
}
