using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.ListProducts;

public sealed class Request
{
    public long? CategoryId { get; init; }
    /// <summary>Keyword matched against title and subtitle.</summary>
    public string? Q { get; init; }
    /// <summary>newest (default), price_asc, price_desc, sales.</summary>
    public string? Sort { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed record ProductSummary(long Id, long CategoryId, string Title, string Subtitle, string Image,
    long MinPriceCents, long Sales, DateTime CreatedAt);

public sealed record Response(IReadOnlyList<ProductSummary> Items, int Page, int PageSize, long Total);

public sealed class Validator : Validator<Request>
{
    public static readonly string[] Sorts = ["newest", "price_asc", "price_desc", "sales"];
    public const int MaxPage = 1000;
    public const int MaxPageSize = 100;

    public Validator()
    {
        RuleFor(r => r.CategoryId).InclusiveBetween(1, CatalogRules.MaxId).When(r => r.CategoryId is not null);
        RuleFor(r => r.Q).MaximumLength(50)
            .Must(q => q is null || !q.Any(char.IsControl)).WithMessage("The keyword must not contain control characters.").WithErrorCode("input.control_characters");
        RuleFor(r => r.Sort).Must(s => s is null || Sorts.Contains(s))
            .WithMessage($"Sort must be one of: {string.Join(", ", Sorts)}.").WithErrorCode("catalog.sort_invalid");
        RuleFor(r => r.Page).InclusiveBetween(1, MaxPage);
        RuleFor(r => r.PageSize).InclusiveBetween(1, MaxPageSize);
    }
}
