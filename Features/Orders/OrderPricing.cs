using Dapper;
using MySqlConnector;

namespace Mall.Features.Orders;

/// <summary>A SKU as a basket line sees it now: current price, what is left to sell, and whether its product is on shelf.</summary>
public sealed record BasketSku(long SkuId, long ProductId, string Title, string Specs, string Images, long PriceCents, long Available, bool OnShelf);

/// <summary>What a normal order costs: the lines, one shipping fee, the total charged and the points its payment earns.</summary>
public sealed record OrderPrice(long SubtotalCents, long ShippingFeeCents, long TotalCents, long Points);

/// <summary>
/// Why a basket cannot be ordered as it is: a stable code (worded by ProblemTexts in the caller's language), the values
/// its texts name, and the English words. <see cref="SkuId"/> is set when one line is at fault.
/// </summary>
public sealed record BasketIssue(string Code, long? SkuId, IReadOnlyDictionary<string, object?> Args, string Detail);

/// <summary>
/// The one price rule of a normal order. The checkout preview and checkout itself both call <see cref="Price"/>, so what
/// the shopper is shown is what the order charges, to the cent.
/// </summary>
public static class OrderPricing
{
    private const string FindSkus = """
        SELECT s.id AS SkuId, s.product_id AS ProductId, p.title AS Title, s.specs AS Specs, p.images AS Images,
               s.price_cents AS PriceCents, s.stock - s.locked - s.sold AS Available, p.on_shelf AS OnShelf
        FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id IN @SkuIds
        """;

    /// <summary>The SKUs of a basket by id; an id the catalog does not know is simply absent.</summary>
    public static async Task<Dictionary<long, BasketSku>> LoadSkusAsync(MySqlConnection connection, MySqlTransaction? tx,
        IEnumerable<long> skuIds, CancellationToken ct) =>
        (await connection.QueryAsync<BasketSku>(new CommandDefinition(FindSkus, new { SkuIds = skuIds.ToArray() }, tx, cancellationToken: ct)))
        .ToDictionary(s => s.SkuId);

    public static long LineTotal(long unitPriceCents, int quantity) => unitPriceCents * quantity;

    /// <summary>
    /// Subtotal of the lines, plus the flat shipping fee unless the subtotal reaches the free-shipping threshold (an
    /// empty basket ships nothing, so costs nothing).
    /// </summary>
    public static OrderPrice Price(IEnumerable<(long UnitPriceCents, int Quantity)> lines, ShippingOptions shipping)
    {
        var subtotal = lines.Sum(l => LineTotal(l.UnitPriceCents, l.Quantity));
        var fee = subtotal == 0 || subtotal >= shipping.FreeFromCents ? 0 : shipping.FlatFeeCents;
        var total = subtotal + fee;
        return new OrderPrice(subtotal, fee, total, PointsFor(total));
    }

    /// <summary>Points a paid order earns: 1 per whole yuan of what was paid (granted by <see cref="MarkPaid"/>).</summary>
    public static long PointsFor(long paidCents) => paidCents / 100;

    /// <summary>The anti-griefing caps a basket breaks (per line first, then per order), in a stable order.</summary>
    public static IEnumerable<BasketIssue> CapIssues(IReadOnlyDictionary<long, int> lines, OrderOptions options)
    {
        foreach (var (skuId, quantity) in lines.OrderBy(l => l.Key).Where(l => l.Value > options.MaxQuantityPerLine))
            yield return Issue(code: "orders.quantity_over_limit", skuId, new() { ["max"] = options.MaxQuantityPerLine, ["asked"] = quantity },
                $"At most {options.MaxQuantityPerLine} of one item per order ({quantity} asked).");
        if (lines.Count > options.MaxLinesPerOrder)
            yield return Issue(code: "orders.too_many_lines", null, new() { ["max"] = options.MaxLinesPerOrder },
                $"An order may hold at most {options.MaxLinesPerOrder} different items.");
        var total = lines.Values.Sum(q => (long)q);
        if (total > options.MaxQuantityPerOrder)
            yield return Issue(code: "orders.too_many_items", null, new() { ["max"] = options.MaxQuantityPerOrder, ["asked"] = total },
                $"At most {options.MaxQuantityPerOrder} items per order ({total} asked).");
    }

    public static BasketIssue TooManyOpenOrders(long open, OrderOptions options) =>
        Issue(code: "orders.too_many_open_orders", null, new() { ["open"] = open, ["max"] = options.MaxOpenUnpaidOrders },
            $"You have {open} unpaid orders; pay or cancel one before placing another (at most {options.MaxOpenUnpaidOrders}).");

    /// <summary>What stops one line: unknown SKU, product off shelf, or less available than asked (in that order).</summary>
    public static BasketIssue? LineIssue(long skuId, int quantity, BasketSku? sku)
    {
        if (sku is null)
            return Issue(code: "orders.sku_not_found", skuId, new() { ["skuId"] = skuId }, $"SKU {skuId} is not sold here (any more).");
        if (!sku.OnShelf)
            return Issue(code: "orders.off_shelf", skuId, new() { ["title"] = sku.Title }, $"'{sku.Title}' is off shelf.");
        var available = Math.Max(0, sku.Available);
        if (available == 0)
            return Issue(code: "orders.sold_out", skuId, new() { ["title"] = sku.Title, ["available"] = 0L }, $"'{sku.Title}' is sold out.");
        if (quantity > available)
            return Issue(code: "orders.insufficient_stock", skuId, new() { ["title"] = sku.Title, ["available"] = available, ["asked"] = quantity },
                $"Only {available} of '{sku.Title}' left ({quantity} asked).");
        return null;
    }

    private static BasketIssue Issue(string code, long? skuId, Dictionary<string, object?> args, string detail) =>
        new(code, skuId, args, detail);
}
