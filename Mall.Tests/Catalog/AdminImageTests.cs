using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Mall.Tests.Catalog;

/// <summary>The shop with small image limits, so the tests can cross them with small files.</summary>
public sealed class ImageLimitsApp() : MallApp(TestHostOption.Set(
    ("Catalog:Images:MaxBytes", "200000"),
    ("Catalog:Images:MaxPixels", "1000000"),
    ("Catalog:Images:MaxSide", "2000")));

/// <summary>Product images in the console: upload (type told by content, limits), list, reorder, delete.</summary>
public sealed class AdminImageTests(ImageLimitsApp app) : IClassFixture<ImageLimitsApp>
{
    private sealed record ImageView(long Id, string Url, int Position, string ContentType, int? Width, int? Height, long? Bytes);
    private sealed record ImageList(long ProductId, ImageView[] Images);
    private sealed record PublicProduct(long Id, string[] Images);
    private sealed record Summary(long Id, string Image);
    private sealed record ProductPage(Summary[] Items);

    private static byte[] Picture(int width, int height, Func<int, int, Rgba32> pixel, Func<Image<Rgba32>, Stream, Task> save)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            image[x, y] = pixel(x, y);
        using var stream = new MemoryStream();
        save(image, stream).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    /// <summary>A small PNG whose colour makes it (and so its content hash) unique.</summary>
    private static byte[] Png(byte shade, int width = 24, int height = 16) =>
        Picture(width, height, (x, _) => new Rgba32(shade, (byte)(x * 8), 90), (i, s) => i.SaveAsPngAsync(s));

    private static Task<HttpResponseMessage> UploadAsync(Shopper admin, long productId, byte[] content, string fileName, string contentType)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", fileName);
        return admin.Client.PostAsync($"/api/v1/admin/products/{productId}/images", form);
    }

    private async Task<string[]> PublicImagesAsync(long productId) =>
        (await (await app.CreateClient().GetAsync($"/api/v1/products/{productId}")).ReadAsync<PublicProduct>()).Images;

    private string FileOf(string url) => Path.Combine(app.DataDir, "media", url["/media/".Length..]);

    [Fact]
    public async Task A_png_named_jpg_is_stored_as_png_under_a_content_hash_served_immutable_and_shown_by_the_shop_at_once()
    {
        var admin = await app.AdminAsync();
        var productId = (await app.ProductAsync(stock: 1))[0].ProductId;
        Assert.Equal(["/media/products/phone-x5.svg"], await PublicImagesAsync(productId)); // cached now

        var list = await (await UploadAsync(admin, productId, Png(10), "photo.jpg", "image/jpeg")).ReadAsync<ImageList>(HttpStatusCode.Created);
        Assert.Equal(2, list.Images.Length);
        var uploaded = list.Images[1];
        Assert.Equal(("image/png", 24, 16, 1), (uploaded.ContentType, uploaded.Width ?? 0, uploaded.Height ?? 0, uploaded.Position));
        Assert.Matches($"^/media/products/{productId}/[0-9a-f]{{32}}\\.png$", uploaded.Url);
        Assert.Equal(uploaded.Bytes, new FileInfo(FileOf(uploaded.Url)).Length);

        // The shop's cached product was invalidated: the new image at once, in order.
        Assert.Equal(["/media/products/phone-x5.svg", uploaded.Url], await PublicImagesAsync(productId));
        var served = await app.CreateClient().GetAsync(uploaded.Url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", served.Headers.CacheControl?.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(FileOf(uploaded.Url)), await served.Content.ReadAsByteArrayAsync());

        // JPEG and WebP are accepted too, each as what it is.
        var jpeg = Picture(30, 20, (x, y) => new Rgba32((byte)x, (byte)y, 200), (i, s) => i.SaveAsJpegAsync(s));
        var webp = Picture(30, 20, (x, y) => new Rgba32(200, (byte)x, (byte)y), (i, s) => i.SaveAsWebpAsync(s));
        var withJpeg = await (await UploadAsync(admin, productId, jpeg, "a.png", "image/png")).ReadAsync<ImageList>(HttpStatusCode.Created);
        Assert.Equal("image/jpeg", withJpeg.Images[^1].ContentType);
        Assert.EndsWith(".jpg", withJpeg.Images[^1].Url);
        var withWebp = await (await UploadAsync(admin, productId, webp, "b.bin", "application/octet-stream")).ReadAsync<ImageList>(HttpStatusCode.Created);
        Assert.Equal(("image/webp", 30, 20), (withWebp.Images[^1].ContentType, withWebp.Images[^1].Width ?? 0, withWebp.Images[^1].Height ?? 0));

        await using var db = await app.OpenDbAsync();
        var audit = await db.QueryAsync<(long ActorId, string After)>(
            "SELECT actor_id, after_json FROM admin_audit WHERE action = 'product.image.add' AND entity_id = @Id ORDER BY id", new { Id = productId.ToString() });
        Assert.Equal(3, audit.Count());
        Assert.All(audit, a => Assert.Equal(admin.UserId, a.ActorId));
        Assert.Equal(4, JsonDocument.Parse(audit.Last().After).RootElement.GetProperty("images").GetArrayLength());
        // The list the cart and checkout read follows too.
        Assert.Equal(4, JsonSerializer.Deserialize<string[]>((await db.ExecuteScalarAsync<string>("SELECT images FROM products WHERE id = @Id", new { Id = productId }))!)!.Length);
    }

    [Fact]
    public async Task What_is_not_a_still_jpeg_png_or_webp_is_refused_whatever_its_name()
    {
        var admin = await app.AdminAsync();
        var productId = (await app.ProductAsync(stock: 1))[0].ProductId;
        var text = "definitely not a picture\n"u8.ToArray();
        var gif = Picture(8, 8, (_, _) => new Rgba32(1, 2, 3), (i, s) => i.SaveAsGifAsync(s));
        var truncated = Png(20)[..40];
        foreach (var (content, name, type) in new[] { (text, "cat.png", "image/png"), (gif, "cat.png", "image/png"), (truncated, "cat.png", "image/png") })
        {
            var problem = await (await UploadAsync(admin, productId, content, name, type)).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
            Assert.Equal("product.image_type", problem.GetProperty("code").GetString());
        }
        var noFile = await admin.Client.PostAsync($"/api/v1/admin/products/{productId}/images", new MultipartFormDataContent { { new StringContent("x"), "other" } });
        await noFile.ShouldBeValidationErrorAsync("file");
        await (await UploadAsync(admin, 987654321, Png(21), "a.png", "image/png")).ShouldBeNotFoundAsync("The product");

        await using var db = await app.OpenDbAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM admin_audit WHERE action = 'product.image.add' AND entity_id = @Id",
            new { Id = productId.ToString() }));
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "media", "products", productId.ToString())), "nothing was written");
    }

    [Fact]
    public async Task Size_and_pixel_limits_are_enforced()
    {
        var admin = await app.AdminAsync();
        var productId = (await app.ProductAsync(stock: 1))[0].ProductId;
        var random = new Random(7);
        // Noise does not compress: a 240×240 RGBA PNG of it is over the 200,000 bytes allowed here (and its request under
        // the request limit, so it is the image's own limit that answers).
        var noisy = Picture(240, 240, (_, _) => new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)),
            (i, s) => i.SaveAsPngAsync(s));
        Assert.True(noisy.Length is > 200_000 and < 264_000, $"{noisy.Length} bytes");
        var tooBig = await (await UploadAsync(admin, productId, noisy, "big.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(("product.image_too_large", 200000), (tooBig.GetProperty("code").GetString(), tooBig.GetProperty("args").GetProperty("max").GetInt32()));

        var tooWide = await (await UploadAsync(admin, productId, Png(30, 2001, 1), "wide.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("product.image_dimensions", tooWide.GetProperty("code").GetString());
        var tooManyPixels = await (await UploadAsync(admin, productId, Png(31, 1100, 1000), "many.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1000000, tooManyPixels.GetProperty("args").GetProperty("maxPixels").GetInt32());
        (await UploadAsync(admin, productId, Png(32, 1000, 1000), "ok.png", "image/png")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Images_are_reordered_and_deleted_and_the_shop_follows()
    {
        var admin = await app.AdminAsync();
        var productId = (await app.ProductAsync(stock: 1))[0].ProductId;
        ImageList list = null!;
        foreach (var shade in new byte[] { 40, 41, 42 })
            list = await (await UploadAsync(admin, productId, Png(shade), "p.png", "image/png")).ReadAsync<ImageList>(HttpStatusCode.Created);
        var (linked, a, b, c) = (list.Images[0], list.Images[1], list.Images[2], list.Images[3]);
        Assert.Equal([0, 1, 2, 3], list.Images.Select(i => i.Position));
        Assert.Equal(list.Images.Select(i => i.Url), await PublicImagesAsync(productId));

        var reordered = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{productId}/images/order",
            new { imageIds = new[] { c.Id, a.Id, linked.Id, b.Id } })).ReadAsync<ImageList>();
        Assert.Equal([c.Id, a.Id, linked.Id, b.Id], reordered.Images.Select(i => i.Id));
        Assert.Equal([c.Url, a.Url, linked.Url, b.Url], await PublicImagesAsync(productId));
        // The list pages show the new cover.
        var page = await (await app.CreateClient().GetAsync("/api/v1/products?pageSize=100")).ReadAsync<ProductPage>();
        Assert.Equal(c.Url, page.Items.Single(p => p.Id == productId).Image);

        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{productId}/images/order", new { imageIds = new[] { c.Id, a.Id } }))
            .ShouldBeValidationErrorAsync("imageIds");
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/products/{productId}/images/order", new { imageIds = new[] { c.Id, a.Id, linked.Id, b.Id, 987654321L } }))
            .ShouldBeValidationErrorAsync("imageIds");

        var afterDelete = await (await admin.Client.DeleteAsync($"/api/v1/admin/products/{productId}/images/{a.Id}")).ReadAsync<ImageList>();
        Assert.Equal([(c.Id, 0), (linked.Id, 1), (b.Id, 2)], afterDelete.Images.Select(i => (i.Id, i.Position)));
        Assert.False(File.Exists(FileOf(a.Url)), "the deleted image's file is gone");
        Assert.True(File.Exists(FileOf(b.Url)));
        Assert.Equal([c.Url, linked.Url, b.Url], await PublicImagesAsync(productId));
        await (await admin.Client.DeleteAsync($"/api/v1/admin/products/{productId}/images/{a.Id}")).ShouldBeNotFoundAsync($"Image {a.Id} of this product");

        var listed = await (await admin.Client.GetAsync($"/api/v1/admin/products/{productId}/images")).ReadAsync<ImageList>();
        Assert.Equal(afterDelete.Images.Select(i => i.Id), listed.Images.Select(i => i.Id));

        await using var db = await app.OpenDbAsync();
        var actions = (await db.QueryAsync<string>("SELECT action FROM admin_audit WHERE entity = 'product' AND entity_id = @Id ORDER BY id",
            new { Id = productId.ToString() })).ToList();
        Assert.Equal(["product.image.add", "product.image.add", "product.image.add", "product.image.reorder", "product.image.delete"], actions);
    }

    [Fact]
    public async Task A_product_has_at_most_ten_images()
    {
        var admin = await app.AdminAsync();
        var productId = (await app.ProductAsync(stock: 1))[0].ProductId; // one linked image already
        for (byte shade = 100; shade < 109; shade++)
            (await UploadAsync(admin, productId, Png(shade), "p.png", "image/png")).EnsureSuccessStatusCode();
        var full = await (await UploadAsync(admin, productId, Png(120), "p.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("product.image_limit", 10), (full.GetProperty("code").GetString(), full.GetProperty("args").GetProperty("max").GetInt32()));
        Assert.Equal(10, (await PublicImagesAsync(productId)).Length);
    }

    [Fact]
    public async Task Shoppers_get_403_from_every_image_endpoint_and_nothing_changes()
    {
        var admin = await app.AdminAsync();
        var shopper = await app.FastShopperAsync();
        var productId = (await app.ProductAsync(stock: 1))[0].ProductId;
        var image = (await (await UploadAsync(admin, productId, Png(60), "p.png", "image/png")).ReadAsync<ImageList>(HttpStatusCode.Created)).Images[^1];

        var form = new MultipartFormDataContent { { new ByteArrayContent(Png(61)), "file", "p.png" } };
        HttpRequestMessage[] requests =
        [
            new(HttpMethod.Post, $"/api/v1/admin/products/{productId}/images") { Content = form },
            new(HttpMethod.Get, $"/api/v1/admin/products/{productId}/images"),
            new(HttpMethod.Put, $"/api/v1/admin/products/{productId}/images/order") { Content = JsonContent.Create(new { imageIds = new[] { image.Id } }) },
            new(HttpMethod.Delete, $"/api/v1/admin/products/{productId}/images/{image.Id}"),
        ];
        foreach (var request in requests)
            await (await shopper.Client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(2, (await PublicImagesAsync(productId)).Length);
        Assert.True(File.Exists(FileOf(image.Url)));
    }
}
