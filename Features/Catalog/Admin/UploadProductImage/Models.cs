using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.UploadProductImage;

public sealed class Request
{
    public long Id { get; init; }
    /// <summary>The image (JPEG, PNG or WebP, told by its content; the name and declared type are not believed).</summary>
    public IFormFile? File { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.File).NotNull().WithMessage("Send the image as the form field 'file'.");
    }
}
