using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.UploadBannerImage;

public sealed class Request
{
    /// <summary>The image (JPEG, PNG or WebP, told by its content; the name and declared type are not believed).</summary>
    public IFormFile? File { get; init; }
}

/// <summary>Where the stored image is served; give it as a banner's image.</summary>
public sealed record Response(string Url, string ContentType, int Width, int Height, long Bytes);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.File).NotNull().WithMessage("Send the image as the form field 'file'.");
}
