using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Catalog.Admin.UploadBannerImage;

public sealed class Endpoint(ProductImageStore store) : Endpoint<Request, Response>
{
    /// <summary>Room for the multipart framing around the largest file accepted.</summary>
    private const long FormOverheadBytes = 64 * 1024;

    public override void Configure()
    {
        Post("banners/images");
        Group<AdminGroup>();
        AllowFileUploads();
        Options(b => b.WithMetadata(new ConfiguredBodyLimit("Catalog:Images:MaxBytes", new ProductImageOptions().MaxBytes, FormOverheadBytes)));
        Summary(s =>
        {
            s.Summary = "Upload a banner image (admin)";
            s.Description = "Body: multipart/form-data with the image in the field 'file'. Checked and re-encoded exactly like " +
                            "product images (JPEG, PNG or WebP told by the content; Catalog:Images limits; EXIF dropped) and " +
                            "stored under a content-hash name in /media/products/banners/. Nothing shows it until a banner " +
                            "names its url (create or update a banner), so this changes no record and writes no audit entry.";
            s.ResponseExamples[201] = new Response("/media/products/banners/3f9a0c5e2b7d4e1f8a6b5c4d3e2f1a0b.webp", "image/webp", 1500, 600, 84211);
            s.Responses[201] = "Stored; give the url as a banner's image.";
            s.Responses[400] = "No file.";
            s.Responses[413] = "The file is larger than allowed (product.image_too_large) or the whole request is (request.too_large).";
            s.Responses[415] = "Not a JPEG, PNG or WebP image, or an animated one (product.image_type); or not a multipart form.";
            s.Responses[422] = "Too many pixels or too long a side (product.image_dimensions).";
        });
        // No Accepts("multipart/form-data"): routing would then answer other content types 415 before authorization.
        Description(d => d.Produces<Response>(201).ProducesProblems(400, 413, 415, 422), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var file = req.File!;
        if (file.Length > store.Options.MaxBytes)
        {
            await Send.ResultAsync(store.TooLarge());
            return;
        }
        await using var upload = file.OpenReadStream();
        var (image, refusal) = await store.PrepareAsync(upload, ct);
        if (image is null)
        {
            await Send.ResultAsync(store.Refused(refusal));
            return;
        }
        var url = await store.WriteBannerAsync(image, ct);
        await Send.ResponseAsync(new Response(url, image.ContentType, image.Width, image.Height, image.Content.Length), StatusCodes.Status201Created, ct);
    }
}
