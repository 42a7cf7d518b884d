using Dapper;
using MySqlConnector;

namespace Mall.Features.Orders;

/// <summary>
/// Gives back the stock that cancelled orders held: locked -= q per SKU. Called only in the transaction that
/// just moved those orders PendingPayment → Cancelled with a conditional UPDATE, so it runs exactly once per order.
/// </summary>
public static class StockRelease
{
    private const string HeldBy = """
        SELECT i.sku_id AS SkuId, MIN(i.product_id) AS ProductId, CAST(SUM(i.quantity) AS SIGNED) AS Quantity
        FROM order_items i WHERE i.order_id IN @OrderIds GROUP BY i.sku_id ORDER BY i.sku_id
        """;

    private const string Release = "UPDATE skus SET locked = locked - @Quantity, updated_at = @Now WHERE id = @SkuId";

    /// <returns>The products whose availability changed (for cache invalidation).</returns>
    public static async Task<IReadOnlyList<long>> ReleaseAsync(MySqlConnection connection, MySqlTransaction tx,
        IReadOnlyCollection<long> orderIds, DateTime now, CancellationToken ct)
    {
        if (orderIds.Count == 0) return [];
        var held = (await connection.QueryAsync<Held>(new CommandDefinition(HeldBy, new { OrderIds = orderIds }, tx, cancellationToken: ct))).ToList();
        // In SKU-id order, like checkout, so the two never wait on each other in a cycle.
        foreach (var sku in held)
            await connection.ExecuteAsync(new CommandDefinition(Release, new { sku.SkuId, sku.Quantity, Now = now }, tx, cancellationToken: ct));
        return held.Select(h => h.ProductId).Distinct().ToList();
    }

    private sealed record Held(long SkuId, long ProductId, long Quantity);
}
