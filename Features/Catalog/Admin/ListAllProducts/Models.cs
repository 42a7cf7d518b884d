using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Catalog.Admin.ListAllProducts;

public static class ShelfFilter
{
    public const string All = "all";
    public const string On = "on";
    public const string Off = "off";
}

public static class StockFilter
{
    public const string Any = "any";
    /// <summary>Some SKU has at most <c>lowStockThreshold</c> units available (sold-out SKUs included).</summary>
    public const string LowStock = "lowStock";
    /// <summary>Nothing of the product is available any more.</summary>
    public const string OutOfStock = "outOfStock";
}

public static class ProductSort
{
    public const string Newest = "newest";
    public const string Updated = "updated";
    public const string PriceAsc = "price_asc";
    public const string PriceDesc = "price_desc";
    public const string StockAsc = "stock_asc";
    public const string StockDesc = "stock_desc";
    public const string Sales = "sales";
}

public sealed class Request
{
    /// <summary>Part of the title (≤ 50 characters, matched literally).</summary>
    public string? Q { get; init; }
    /// <summary>A category; a top category includes its subcategories.</summary>
    public long? CategoryId { get; init; }
    [ValuesOf(typeof(ShelfFilter))]
    public string? Shelf { get; init; }
    [ValuesOf(typeof(StockFilter))]
    public string? Stock { get; init; }
    /// <summary>What counts as low stock for <c>stock=lowStock</c> (units available in one SKU; default 10).</summary>
    public int LowStockThreshold { get; init; } = 10;
    [ValuesOf(typeof(ProductSort))]
    public string? Sort { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

/// <summary>A product row of the console's list: prices over its SKUs, stock and available summed over them.</summary>
public sealed record ProductRow(long Id, long CategoryId, string Title, string Image, bool OnShelf, long MinPriceCents, long MaxPriceCents,
    int SkuCount, long Stock, long Available, long Sales, int Version, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record Response(IReadOnlyList<ProductRow> Items, int Page, int PageSize, long Total);

public sealed class Validator : Validator<Request>
{
    public static readonly string[] Shelves = [ShelfFilter.All, ShelfFilter.On, ShelfFilter.Off];
    public static readonly string[] Stocks = [StockFilter.Any, StockFilter.LowStock, StockFilter.OutOfStock];
    public static readonly string[] Sorts =
        [ProductSort.Newest, ProductSort.Updated, ProductSort.PriceAsc, ProductSort.PriceDesc, ProductSort.StockAsc, ProductSort.StockDesc, ProductSort.Sales];

    public Validator()
    {
        RuleFor(r => r.Q).MaximumLength(50)
            .Must(q => q is null || !q.Any(char.IsControl)).WithMessage("The keyword must not contain control characters.");
        RuleFor(r => r.CategoryId).InclusiveBetween(1, CatalogRules.MaxId).When(r => r.CategoryId is not null);
        RuleFor(r => r.Shelf).Must(s => s is null || Shelves.Contains(s)).WithMessage($"Shelf must be one of: {string.Join(", ", Shelves)}.");
        RuleFor(r => r.Stock).Must(s => s is null || Stocks.Contains(s)).WithMessage($"Stock must be one of: {string.Join(", ", Stocks)}.");
        RuleFor(r => r.LowStockThreshold).InclusiveBetween(0, ProductInputRules<CreateProduct.Request>.MaxStock);
        RuleFor(r => r.Sort).Must(s => s is null || Sorts.Contains(s)).WithMessage($"Sort must be one of: {string.Join(", ", Sorts)}.");
        RuleFor(r => r.Page).InclusiveBetween(1, 10_000);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
    }
}
