using Mall.Infrastructure;

namespace Mall.Features.Catalog;

public static class CatalogFeature
{
    /// <summary>Categories, products and SKUs, cached in Redis and in memory; the demo catalog.</summary>
    public static void AddCatalogFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<CatalogCacheOptions>("Catalog:Cache");
        builder.Services.AddSingleton<NearCache>();
        builder.Services.AddSingleton<CatalogCache>();
        builder.Services.AddHostedService<CatalogCacheListener>();
        builder.Services.AddSingleton<IStartupSeeder, DemoCatalogSeeder>();
    }
}
