using Mall.Infrastructure;
using Microsoft.Extensions.FileProviders;

namespace Mall.Features.Catalog;

public static class CatalogFeature
{
    /// <summary>Categories, products and SKUs, cached in Redis and in memory; product images on disk; the demo catalog.</summary>
    public static void AddCatalogFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<CatalogCacheOptions>("Catalog:Cache");
        builder.Services.AddSingleton<NearCache>();
        builder.Services.AddSingleton<CatalogCache>();
        builder.Services.AddHostedService<CatalogCacheListener>();
        builder.Services.AddSingleton<IStartupSeeder, DemoCatalogSeeder>();

        builder.Services.AddMallOptions<ProductImageOptions>("Catalog:Images")
            .Validate(o => o is { MaxBytes: > 0, MaxPixels: > 0, MaxSide: > 0, Quality: >= 1 and <= 100 },
                "Catalog:Images: MaxBytes, MaxPixels and MaxSide must be positive, Quality 1–100.");
        var dataDir = builder.Configuration["Mall:DataDir"] ?? Path.Combine(builder.Environment.ContentRootPath, "..", ".mall");
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<ProductImageOptions>();
            return new ProductImageStore(options, options.Directory != "" ? options.Directory : Path.Combine(dataDir, "media"));
        });
    }

    /// <summary>
    /// Uploaded product images at /media/products/, for a shop without nginx in front (development, tests, the Vite
    /// dev server's proxy); behind nginx the same folder is served by nginx itself. Names are content hashes: cached
    /// for a year, never revalidated.
    /// </summary>
    public static void UseCatalogMedia(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<ProductImageStore>();
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/media/products",
            FileProvider = new PhysicalFileProvider(store.ProductsDirectory),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
        });
    }
}
