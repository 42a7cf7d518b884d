using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.UploadProductImage;

public sealed class Endpoint(MySqlDataSource db, CatalogCache cache, ProductImageStore store, AdminAudit audit, TimeProvider clock)
    : Endpoint<Request, ProductImageList>
{
    /// <summary>Room for the multipart framing around the largest file accepted.</summary>
    private const long FormOverheadBytes = 64 * 1024;

    private const string ImageCount = "SELECT COUNT(*) FROM product_images WHERE product_id = @Id";

    private const string Insert = """
        INSERT INTO product_images (product_id, url, position, content_type, width, height, bytes, created_at)
        SELECT @ProductId, @Url, COALESCE(MAX(position) + 1, 0), @ContentType, @Width, @Height, @Bytes, @Now
        FROM product_images WHERE product_id = @ProductId
        """;

    public override void Configure()
    {
        Post("products/{id}/images");
        Group<AdminGroup>();
        AllowFileUploads();
        // The body may be as large as the largest image accepted (a setting; Configure runs before any service exists).
        Options(b => b.WithMetadata(new ConfiguredBodyLimit("Catalog:Images:MaxBytes", new ProductImageOptions().MaxBytes, FormOverheadBytes)));
        Summary(s =>
        {
            s.Summary = "Upload an image of a product (admin)";
            s.Description = "Body: multipart/form-data with the image in the field 'file' (any other body is refused after " +
                            "authorization, 415 or 400). JPEG, PNG or WebP, told by the content " +
                            "(a PNG named .jpg is stored as PNG; anything else is refused whatever its name). At most " +
                            "Catalog:Images:MaxBytes (5 MB), MaxPixels (24 MP) and MaxSide (8000 px); not animated. The image " +
                            "is decoded and encoded again without its EXIF/XMP, stored under a content-hash name and served " +
                            "from /media/products/ as immutable. It goes last in the order; a product has at most 10 images. " +
                            "The shop's product pages show it at once; audited as product.image.add.";
            s.ResponseExamples[201] = new ProductImageList(1, [AdminExamples.Image]);
            s.Responses[201] = "Stored; the product's images in display order.";
            s.Responses[400] = "Invalid id, or no file.";
            s.Responses[404] = "No such product.";
            s.Responses[409] = "The product has its 10 images already (product.image_limit).";
            s.Responses[413] = "The file is larger than allowed (product.image_too_large) or the whole request is (request.too_large).";
            s.Responses[415] = "Not a JPEG, PNG or WebP image, or an animated one (product.image_type); or not a multipart form.";
            s.Responses[422] = "Too many pixels or too long a side (product.image_dimensions).";
        });
        // No Accepts("multipart/form-data"): routing would then answer other content types 415 before authorization, and
        // every endpoint answers 401/403 first. The form binding itself takes nothing else.
        Description(d => d.Produces<ProductImageList>(201).ProducesProblems(400, 404, 409, 413, 415, 422),
            clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var file = req.File!;
        if (file.Length > store.Options.MaxBytes)
        {
            await Send.ResultAsync(store.TooLarge());
            return;
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        // Cheap refusals before the decoding.
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM products WHERE id = @Id", new { req.Id }, cancellationToken: ct)) is null)
        {
            await Send.ResultAsync(Problem.NotFound("The product"));
            return;
        }
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(ImageCount, new { req.Id }, cancellationToken: ct)) >= CatalogRules.MaxImages)
        {
            await Send.ResultAsync(TooMany());
            return;
        }

        await using var upload = file.OpenReadStream();
        var (image, refusal) = await store.PrepareAsync(upload, ct);
        if (image is null)
        {
            await Send.ResultAsync(store.Refused(refusal));
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await AdminProducts.LockAsync(connection, tx, req.Id, now, ct) is null)
        {
            await Send.ResultAsync(Problem.NotFound("The product"));
            return;
        }
        var before = await AdminProducts.ImagesAsync(connection, tx, req.Id, ct);
        if (before.Images.Count >= CatalogRules.MaxImages)
        {
            await Send.ResultAsync(TooMany());
            return;
        }
        var url = await store.WriteAsync(req.Id, image, ct);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            ProductId = req.Id, Url = url, image.ContentType, image.Width, image.Height, Bytes = (long)image.Content.Length, Now = now,
        }, tx, cancellationToken: ct));
        await AdminProducts.SyncImagesJsonAsync(connection, tx, req.Id, now, ct);
        var after = await AdminProducts.ImagesAsync(connection, tx, req.Id, ct);
        await audit.WriteAsync(connection, tx, HttpContext, "product.image.add", "product", req.Id, before, after, ct);
        await tx.CommitAsync(ct);
        await cache.ProductChangedAsync(req.Id);
        await Send.ResponseAsync(after, StatusCodes.Status201Created, ct);
    }

    private static IResult TooMany() => Problem.Of(StatusCodes.Status409Conflict, "Conflict",
        $"A product may have at most {CatalogRules.MaxImages} images: delete one first.", code: "product.image_limit",
        args: new Dictionary<string, object?> { ["max"] = CatalogRules.MaxImages });
}
