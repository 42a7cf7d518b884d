using Dapper;
using Mall.Features.Catalog;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Cart;

/// <summary>
/// A cart line priced from the current SKU data. <c>onShelf = false</c> or <c>shortOfStock = true</c> flag lines the
/// shopper cannot buy as they are; those lines are left out of <c>totalCents</c>.
/// </summary>
public sealed record CartLine(long SkuId, long ProductId, string Title, Dictionary<string, string> Specs, string Image,
    long PriceCents, int Quantity, long LineTotalCents, int Available, bool OnShelf, bool ShortOfStock);

public sealed record CartResponse(IReadOnlyList<CartLine> Lines, int TotalQuantity, long TotalCents, bool Purchasable);

/// <summary>Reads a shopper's cart and prices it (GET, PUT and DELETE all answer with it).</summary>
public sealed class CartView(IDatabase redis, MySqlDataSource db)
{
    private const string SkusByIds = """
        SELECT s.id AS SkuId, s.product_id AS ProductId, p.title AS Title, s.specs AS Specs, p.images AS Images,
               s.price_cents AS PriceCents, s.stock - s.locked - s.sold AS Available, p.on_shelf AS OnShelf
        FROM skus s JOIN products p ON p.id = s.product_id
        WHERE s.id IN @Ids
        """;

    public async Task<CartResponse> BuildAsync(long userId, CancellationToken ct)
    {
        var quantities = CartKeys.Lines(await redis.HashGetAllAsync(CartKeys.For(userId)));
        if (quantities.Count == 0) return Price(quantities, new Dictionary<long, CartSku>());
        await using var connection = await db.OpenConnectionAsync(ct);
        return Price(quantities, await LoadSkusAsync(connection, quantities.Keys, ct));
    }

    /// <summary>The SKUs' current data, by id; ids no longer in the catalog are absent.</summary>
    public static async Task<Dictionary<long, CartSku>> LoadSkusAsync(MySqlConnection connection, IEnumerable<long> skuIds, CancellationToken ct) =>
        (await connection.QueryAsync<CartSku>(new CommandDefinition(SkusByIds, new { Ids = skuIds.Distinct().ToArray() }, cancellationToken: ct)))
        .ToDictionary(s => s.SkuId);

    /// <summary>The cart priced from <paramref name="skus"/>, which must hold every line's SKU still in the catalog.</summary>
    public static CartResponse Price(IReadOnlyDictionary<long, int> quantities, IReadOnlyDictionary<long, CartSku> skus)
    {
        var lines = quantities.Keys.Where(skus.ContainsKey).Order().Select(id =>
        {
            var r = skus[id];
            var quantity = quantities[id];
            var available = (int)Math.Max(0, r.Available);
            return new CartLine(r.SkuId, r.ProductId, r.Title, CatalogRules.ParseSpecs(r.Specs),
                CatalogRules.ParseImages(r.Images).FirstOrDefault() ?? "", r.PriceCents, quantity, r.PriceCents * quantity,
                available, r.OnShelf, quantity > available);
        }).ToList();
        // SKUs deleted from the catalog simply drop out of the cart.
        var buyable = lines.Where(l => l.OnShelf && !l.ShortOfStock).ToList();
        return new CartResponse(lines, lines.Sum(l => l.Quantity), buyable.Sum(l => l.LineTotalCents),
            lines.Count > 0 && buyable.Count == lines.Count);
    }
}

/// <summary>A SKU as the cart prices it: current price, availability and shelf state.</summary>
public sealed record CartSku(long SkuId, long ProductId, string Title, string Specs, string Images, long PriceCents, long Available, bool OnShelf);
