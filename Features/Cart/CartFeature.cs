using Mall.Infrastructure;

namespace Mall.Features.Cart;

public static class CartFeature
{
    public static void AddCartFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<CartOptions>("Cart");
        builder.Services.AddSingleton<CartView>();
    }
}
