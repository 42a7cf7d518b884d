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

    /// <summary>The same from a script's flat answer, <c>[status, field, value, field, value, …]</c>: the pairs after the first element.</summary>
    public static Dictionary<long, int> Lines(RedisResult[] answer)
    {
        var lines = new Dictionary<long, int>();
        for (var i = 1; i + 1 < answer.Length; i += 2)
            if (long.TryParse((string?)answer[i], out var skuId) && int.TryParse((string?)answer[i + 1], out var quantity) && quantity > 0)
                lines[skuId] = quantity;
        return lines;
    }
}
