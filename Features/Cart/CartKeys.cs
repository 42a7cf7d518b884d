using StackExchange.Redis;

namespace Mall.Features.Cart;

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
