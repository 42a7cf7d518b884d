using StackExchange.Redis;

namespace Mall.Features.Cart;

public sealed class CartOptions
{
    public int MaxLines { get; set; } = 50;
    /// <summary>Keep equal to Orders:MaxQuantityPerLine, so whatever fits in the cart can be checked out.</summary>
    public int MaxQuantityPerLine { get; set; } = 10;
    /// <summary>A cart untouched this long is dropped by Redis.</summary>
    public int IdleDays { get; set; } = 30;
}

public static class CartFeature
{
    public static void AddCartServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection("Cart").Get<CartOptions>() ?? new CartOptions());
        builder.Services.AddSingleton<CartView>();
    }
}

/// <summary>The cart is one Redis hash per shopper: field = SKU id, value = quantity.</summary>
public static class CartKeys
{
    public static string For(long userId) => $"cart:{userId}";

    /// <summary>SKU id → quantity; anything malformed in the hash is ignored rather than trusted.</summary>
    public static Dictionary<long, int> Lines(HashEntry[] entries)
    {
        var lines = new Dictionary<long, int>();
        foreach (var entry in entries)
            if (entry.Name.TryParse(out long skuId) && entry.Value.TryParse(out int quantity) && quantity > 0)
                lines[skuId] = quantity;
        return lines;
    }
}
