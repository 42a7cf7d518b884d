using Mall.Features.Addresses;
using Mall.Features.Cart;
using Mall.Features.Orders;
using Mall.Infrastructure;

namespace Mall.Features.Catalog;

public static class CatalogFeature
{
    /// <summary>Catalog, cart, addresses and normal checkout with the order lifecycle (one line in Program.cs).</summary>
    public static void AddCatalogFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Catalog:Cache").Get<CatalogCacheOptions>() ?? new CatalogCacheOptions());
        builder.Services.AddSingleton<NearCache>();
        builder.Services.AddSingleton<CatalogCache>();
        builder.Services.AddHostedService<CatalogCacheListener>();
        // Other features' seeders build on the demo catalog (the seckill seeder picks one of its SKUs), so this one
        // goes first whatever the order of the lines in Program.cs.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IStartupSeeder, DemoCatalogSeeder>());
        builder.AddCartServices();
        builder.AddAddressServices();
        builder.AddOrderServices();
    }
}
