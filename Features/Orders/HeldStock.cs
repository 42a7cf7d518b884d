using Dapper;
using MySqlConnector;

namespace Mall.Features.Orders;

/// <summary>
/// The stock an unpaid order holds (skus.locked), and its two ends: released when the order is cancelled
/// (locked -= q), sold when it is paid (locked -= q, sold += q). Called only in the transaction whose conditional
/// UPDATE just moved the order out of PendingPayment, so each happens exactly once per order. SKUs are updated in
/// id order, like checkout locks them, so these transactions never wait on each other in a cycle.
/// </summary>
public static class HeldStock
{
    private const string HeldBy = """
        SELECT i.sku_id AS SkuId, MIN(i.product_id) AS ProductId, CAST(SUM(i.quantity) AS SIGNED) AS Quantity
        FROM order_items i WHERE i.order_id IN @OrderIds GROUP BY i.sku_id ORDER BY i.sku_id
        """;

    private const string Release = "UPDATE skus SET locked = locked - @Quantity, updated_at = @Now WHERE id = @SkuId";

    private const string Sell = "UPDATE skus SET locked = locked - @Quantity, sold = sold + @Quantity, updated_at = @Now WHERE id = @SkuId";

    /// <returns>The products whose availability changed (for cache invalidation).</returns>
    public static Task<IReadOnlyList<long>> ReleaseAsync(MySqlConnection connection, MySqlTransaction tx,
        IReadOnlyCollection<long> orderIds, DateTime now, CancellationToken ct) =>
        MoveAsync(Release, connection, tx, orderIds, now, ct);

    /// <returns>The products whose units were sold.</returns>
    public static Task<IReadOnlyList<long>> SellAsync(MySqlConnection connection, MySqlTransaction tx,
        long orderId, DateTime now, CancellationToken ct) =>
        MoveAsync(Sell, connection, tx, [orderId], now, ct);

    private static async Task<IReadOnlyList<long>> MoveAsync(string update, MySqlConnection connection, MySqlTransaction tx,
        IReadOnlyCollection<long> orderIds, DateTime now, CancellationToken ct)
    {
        if (orderIds.Count == 0) return [];
        var held = (await connection.QueryAsync<Held>(new CommandDefinition(HeldBy, new { OrderIds = orderIds }, tx, cancellationToken: ct))).ToList();
        foreach (var sku in held)
            await connection.ExecuteAsync(new CommandDefinition(update, new { sku.SkuId, sku.Quantity, Now = now }, tx, cancellationToken: ct));
        return held.Select(h => h.ProductId).Distinct().ToList();
    }

    private sealed record Held(long SkuId, long ProductId, long Quantity);
}
