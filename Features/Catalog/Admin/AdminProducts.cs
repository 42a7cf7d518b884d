using System.Data.Common;
using Dapper;

namespace Mall.Features.Catalog.Admin;

/// <summary>A SKU as the console shows it: what is held by unpaid orders and sold beside the total stock.</summary>
public sealed record AdminSkuView(long Id, Dictionary<string, string> Specs, long PriceCents, int Stock, int Locked, int Sold, int Available);

/// <summary>
/// One of a product's images in display order. <c>contentType</c> is image/jpeg, image/png or image/webp for an
/// uploaded image (with its pixel size and bytes) and empty for a linked path given at creation (the demo SVGs).
/// </summary>
public sealed record ProductImageView(long Id, string Url, int Position, string ContentType, int? Width, int? Height, long? Bytes);

/// <summary>A product's images in display order (what every image slice of the console answers).</summary>
public sealed record ProductImageList(long ProductId, IReadOnlyList<ProductImageView> Images);

/// <summary>
/// A product as the console shows it, off shelf or not: every SKU with its counters, the images, and the
/// <c>version</c> an edit must name. It is also what the audit log records before and after a change.
/// </summary>
public sealed record AdminProductDetail(long Id, long CategoryId, string Title, string Subtitle, string Description, bool OnShelf,
    long Sales, int Version, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<ProductImageView> Images, IReadOnlyList<AdminSkuView> Skus);

/// <summary>What the console's product slices share: the detail, the row lock an edit takes, and the image list.</summary>
public static class AdminProducts
{
    private const string ProductById = """
        SELECT id AS Id, category_id AS CategoryId, title AS Title, subtitle AS Subtitle, description AS Description,
               on_shelf AS OnShelf, sales AS Sales, version AS Version, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM products WHERE id = @Id;

        SELECT id AS Id, specs AS Specs, price_cents AS PriceCents, stock AS Stock, locked AS Locked, sold AS Sold
        FROM skus WHERE product_id = @Id ORDER BY id;

        SELECT id AS Id, url AS Url, position AS Position, content_type AS ContentType, width AS Width, height AS Height, bytes AS Bytes
        FROM product_images WHERE product_id = @Id ORDER BY position, id;
        """;

    private const string LockProduct = "SELECT version AS Version, images AS Images FROM products WHERE id = @Id FOR UPDATE";

    private const string CountImages = "SELECT COUNT(*) FROM product_images WHERE product_id = @Id";

    private const string InsertLinkedImage = """
        INSERT INTO product_images (product_id, url, position, content_type, created_at) VALUES (@ProductId, @Url, @Position, '', @Now)
        """;

    private const string ImagesOf = """
        SELECT id AS Id, url AS Url, position AS Position, content_type AS ContentType, width AS Width, height AS Height, bytes AS Bytes
        FROM product_images WHERE product_id = @Id ORDER BY position, id
        """;

    private const string ImageUrls = "SELECT url FROM product_images WHERE product_id = @Id ORDER BY position, id";

    private const string SetImagesJson = "UPDATE products SET images = @Images, updated_at = @Now WHERE id = @Id";

    /// <summary>The product as the console shows it, or null.</summary>
    public static async Task<AdminProductDetail?> FindAsync(DbConnection connection, DbTransaction? tx, long id, CancellationToken ct)
    {
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(ProductById, new { Id = id }, tx, cancellationToken: ct));
        var product = await results.ReadSingleOrDefaultAsync<ProductRow>();
        var skus = (await results.ReadAsync<SkuRow>())
            .Select(s => new AdminSkuView(s.Id, CatalogRules.ParseSpecs(s.Specs), s.PriceCents, s.Stock, s.Locked, s.Sold,
                Math.Max(0, s.Stock - s.Locked - s.Sold)))
            .ToList();
        var images = (await results.ReadAsync<ProductImageView>()).ToList();
        if (product is null) return null;
        return new AdminProductDetail(product.Id, product.CategoryId, product.Title, product.Subtitle, product.Description, product.OnShelf,
            product.Sales, product.Version, Utc(product.CreatedAt), Utc(product.UpdatedAt), images, skus);
    }

    /// <summary>
    /// Locks the product row for the rest of <paramref name="tx"/> (edits of one product queue up here, so the version
    /// check and the image positions cannot race) and returns its version, or null when there is no such product.
    /// A product whose images were only ever given as paths (created with them, or written by SQL such as the demo
    /// seeders) gets them as linked rows first, so every image the console shows has an id.
    /// </summary>
    public static async Task<int?> LockAsync(DbConnection connection, DbTransaction tx, long id, DateTime now, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<LockedRow>(new CommandDefinition(LockProduct, new { Id = id }, tx, cancellationToken: ct));
        if (row is null) return null;
        var linked = CatalogRules.ParseImages(row.Images);
        if (linked.Length > 0 && await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountImages, new { Id = id }, tx, cancellationToken: ct)) == 0)
            for (var i = 0; i < linked.Length; i++)
                await connection.ExecuteAsync(new CommandDefinition(InsertLinkedImage,
                    new { ProductId = id, Url = linked[i], Position = i, Now = now }, tx, cancellationToken: ct));
        return row.Version;
    }

    /// <summary>The product's images in display order.</summary>
    public static async Task<ProductImageList> ImagesAsync(DbConnection connection, DbTransaction? tx, long id, CancellationToken ct) =>
        new(id, (await connection.QueryAsync<ProductImageView>(new CommandDefinition(ImagesOf, new { Id = id }, tx, cancellationToken: ct))).ToList());

    /// <summary>Writes the image URLs, in order, into products.images: what cart, checkout, seckill and the shop read.</summary>
    public static async Task SyncImagesJsonAsync(DbConnection connection, DbTransaction tx, long id, DateTime now, CancellationToken ct)
    {
        var urls = (await connection.QueryAsync<string>(new CommandDefinition(ImageUrls, new { Id = id }, tx, cancellationToken: ct))).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(SetImagesJson, new { Id = id, Images = CatalogRules.ToJson(urls), Now = now }, tx,
            cancellationToken: ct));
    }

    /// <summary>The entity tag of a product version (sent as ETag by the console's product answers).</summary>
    public static string ETag(int version) => $"\"v{version}\"";

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private sealed record ProductRow(long Id, long CategoryId, string Title, string Subtitle, string Description, bool OnShelf, long Sales,
        int Version, DateTime CreatedAt, DateTime UpdatedAt);

    private sealed record SkuRow(long Id, string Specs, long PriceCents, int Stock, int Locked, int Sold);

    private sealed record LockedRow(int Version, string Images);
}
