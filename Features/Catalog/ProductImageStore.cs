using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;

namespace Mall.Features.Catalog;

public sealed class ProductImageOptions
{
    /// <summary>Largest upload accepted (bytes of the file as sent).</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;
    /// <summary>Largest image accepted, width × height: a small file can still decode to gigabytes.</summary>
    public long MaxPixels { get; set; } = 24_000_000;
    /// <summary>Longest side accepted, in pixels.</summary>
    public int MaxSide { get; set; } = 8000;
    /// <summary>Quality of the re-encoded JPEG and WebP (1–100).</summary>
    public int Quality { get; set; } = 85;
    /// <summary>Where files go: <c>{Directory}/products/{productId}/{hash}.{ext}</c>, served as <c>/media/products/…</c>.
    /// Empty: <c>{Mall:DataDir}/media</c>.</summary>
    public string Directory { get; set; } = "";
}

/// <summary>An accepted upload, re-encoded, not yet on disk: the bytes, the name they will have, what the console shows.</summary>
public sealed record PreparedImage(byte[] Content, string FileName, string ContentType, int Width, int Height);

/// <summary>Why an upload was refused.</summary>
public enum ImageRefusal { None, NotAnImage, Animated, TooManyPixels }

/// <summary>
/// Product images on disk. The type is taken from the content, never from the name or the declared type: only JPEG,
/// PNG and WebP decoders are configured, so anything else is not an image here. The size is read from the header
/// before anything is decoded, and every accepted image is decoded and encoded again (orientation applied, EXIF and
/// XMP dropped), so what is served is pixels this process wrote, not the uploader's bytes. A file is named by the
/// hash of those bytes: its URL never changes meaning, so nginx serves it as immutable for a year.
/// </summary>
public sealed class ProductImageStore(ProductImageOptions options, string mediaDirectory)
{
    public const string UrlPrefix = "/media/products/";

    private static readonly Configuration Decoders =
        new(new JpegConfigurationModule(), new PngConfigurationModule(), new WebpConfigurationModule());

    public ProductImageOptions Options => options;

    /// <summary>The 413 for a file over <see cref="ProductImageOptions.MaxBytes"/>, worded once for every upload.</summary>
    public IResult TooLarge() => Mall.Infrastructure.Problem.Of(StatusCodes.Status413PayloadTooLarge, "Image too large",
        $"An image may have at most {options.MaxBytes} bytes.", code: "product.image_too_large",
        args: new Dictionary<string, object?> { ["max"] = options.MaxBytes });

    /// <summary>Why <see cref="PrepareAsync"/> refused an upload: 422 for its size in pixels, 415 for anything else.</summary>
    public IResult Refused(ImageRefusal refusal) => refusal == ImageRefusal.TooManyPixels
        ? Mall.Infrastructure.Problem.Of(StatusCodes.Status422UnprocessableEntity, "Image too large",
            $"An image may have at most {options.MaxPixels} pixels and {options.MaxSide} pixels on a side.", code: "product.image_dimensions",
            args: new Dictionary<string, object?> { ["maxPixels"] = options.MaxPixels, ["maxSide"] = options.MaxSide })
        : Mall.Infrastructure.Problem.Of(StatusCodes.Status415UnsupportedMediaType, "Not an accepted image",
            "Only still JPEG, PNG and WebP images are accepted.", code: "product.image_type");

    /// <summary>The folder served as /media/products/ (created when missing).</summary>
    public string ProductsDirectory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(mediaDirectory, "products")).FullName;

    /// <summary>Checks and re-encodes an upload (the costly part, done before any lock is taken); the refusal says why
    /// when it is not accepted.</summary>
    public async Task<(PreparedImage? Image, ImageRefusal Refusal)> PrepareAsync(Stream upload, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await upload.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            (info, format) = await Image.IdentifyWithFormatAsync(Decoders, buffer, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, ImageRefusal.NotAnImage);
        }
        if (info is null || format is null || info.Width <= 0 || info.Height <= 0) return (null, ImageRefusal.NotAnImage);
        if ((long)info.Width * info.Height > options.MaxPixels || info.Width > options.MaxSide || info.Height > options.MaxSide)
            return (null, ImageRefusal.TooManyPixels);
        // Each frame of an animation decodes to a full image: the pixel limit would not bound the memory.
        if (format is WebpFormat && IsAnimatedWebp(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))) return (null, ImageRefusal.Animated);

        buffer.Position = 0;
        byte[] encoded;
        int width, height;
        try
        {
            using var image = await Image.LoadAsync(Decoders, buffer, ct);
            image.Mutate(x => x.AutoOrient());
            image.Metadata.ExifProfile = null;
            image.Metadata.XmpProfile = null;
            image.Metadata.IptcProfile = null;
            (width, height) = (image.Width, image.Height);
            using var output = new MemoryStream();
            await image.SaveAsync(output, Encoder(format), ct);
            encoded = output.ToArray();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, ImageRefusal.NotAnImage);
        }

        var (extension, contentType) = format switch
        {
            JpegFormat => ("jpg", "image/jpeg"),
            PngFormat => ("png", "image/png"),
            _ => ("webp", "image/webp"),
        };
        var name = $"{Convert.ToHexStringLower(SHA256.HashData(encoded))[..32]}.{extension}";
        return (new PreparedImage(encoded, name, contentType, width, height), ImageRefusal.None);
    }

    /// <summary>
    /// Puts a prepared image on disk and returns its URL. Call it under the product's row lock, as <see cref="Delete"/>
    /// is: the same picture uploaded twice is one file, and a delete must not remove it under an upload.
    /// </summary>
    public Task<string> WriteAsync(long productId, PreparedImage image, CancellationToken ct) =>
        WriteIntoAsync(productId.ToString(System.Globalization.CultureInfo.InvariantCulture), image, ct);

    /// <summary>
    /// Puts a prepared home-page banner image on disk and returns its URL, <c>/media/products/banners/{hash}.{ext}</c>.
    /// Banners share the product images' folder so every place that serves or backs up those serves these too; the
    /// folder name is not a number, so it never meets a product's. Files are never deleted: a name is its content, and
    /// several banners (or a banner edited back) may use one.
    /// </summary>
    public Task<string> WriteBannerAsync(PreparedImage image, CancellationToken ct) => WriteIntoAsync(BannerFolder, image, ct);

    public const string BannerFolder = "banners";

    private async Task<string> WriteIntoAsync(string name, PreparedImage image, CancellationToken ct)
    {
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(ProductsDirectory, name));
        // Written beside and renamed into place: nginx never serves a half-written file. The dot keeps the temporary
        // file out of the static file handler.
        var temporary = Path.Combine(folder.FullName, $".{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(temporary, image.Content, ct);
        File.Move(temporary, Path.Combine(folder.FullName, image.FileName), overwrite: true);
        return $"{UrlPrefix}{name}/{image.FileName}";
    }

    /// <summary>Removes an uploaded file (a URL that is not one of ours is left alone).</summary>
    public void Delete(string url)
    {
        if (!url.StartsWith(UrlPrefix, StringComparison.Ordinal)) return;
        var relative = url[UrlPrefix.Length..];
        if (relative.Contains("..", StringComparison.Ordinal) || relative.Contains('\\')) return;
        var path = Path.GetFullPath(Path.Combine(ProductsDirectory, relative));
        if (path.StartsWith(ProductsDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)) File.Delete(path);
    }

    private IImageEncoder Encoder(IImageFormat format) => format switch
    {
        JpegFormat => new JpegEncoder { Quality = options.Quality },
        PngFormat => new PngEncoder(),
        _ => new WebpEncoder { Quality = options.Quality },
    };

    /// <summary>RIFF....WEBPVP8X with the animation flag (bit 1 of the byte after the chunk size).</summary>
    private static bool IsAnimatedWebp(ReadOnlySpan<byte> data) =>
        data.Length > 20 && data[12..16].SequenceEqual("VP8X"u8) && (data[20] & 0x02) != 0;
}
