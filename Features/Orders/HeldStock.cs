using System.Text;
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

    // {0}: the SKU's place in the batch (UpdateAsync).
    private const string Release = "UPDATE skus SET locked = locked - @Quantity{0}, updated_at = @Now WHERE id = @SkuId{0};";

    private const string Sell = "UPDATE skus SET locked = locked - @Quantity{0}, sold = sold + @Quantity{0}, updated_at = @Now WHERE id = @SkuId{0};";

    /// <returns>The products whose availability changed (for cache invalidation).</returns>
    public static Task<IReadOnlyList<long>> ReleaseAsync(MySqlConnection connection, MySqlTransaction tx,
        IReadOnlyCollection<long> orderIds, DateTime now, CancellationToken ct) =>
        MoveAsync(Release, connection, tx, orderIds, now, ct);

    /// <summary>Releases what these order items hold (of one order or several), when the caller has already read them.</summary>
    /// <returns>The products whose availability changed (for cache invalidation).</returns>
    public static async Task<IReadOnlyList<long>> ReleaseAsync(MySqlConnection connection, MySqlTransaction tx,
        IEnumerable<OrderItemView> items, DateTime now, CancellationToken ct)
    {
        var held = items.GroupBy(i => i.SkuId).OrderBy(g => g.Key)
            .Select(g => new Held(g.Key, g.Min(i => i.ProductId), g.Sum(i => (long)i.Quantity))).ToList();
        await UpdateAsync(Release, connection, tx, held, now, ct);
        return held.Select(h => h.ProductId).Distinct().ToList();
    }

    /// <returns>The products whose units were sold.</returns>
    public static Task<IReadOnlyList<long>> SellAsync(MySqlConnection connection, MySqlTransaction tx,
        long orderId, DateTime now, CancellationToken ct) =>
        MoveAsync(Sell, connection, tx, [orderId], now, ct);

    private static async Task<IReadOnlyList<long>> MoveAsync(string update, MySqlConnection connection, MySqlTransaction tx,
        IReadOnlyCollection<long> orderIds, DateTime now, CancellationToken ct)
    {
        if (orderIds.Count == 0) return [];
        var held = (await connection.QueryAsync<Held>(new CommandDefinition(HeldBy, new { OrderIds = orderIds }, tx, cancellationToken: ct))).ToList();
        await UpdateAsync(update, connection, tx, held, now, ct);
        return held.Select(h => h.ProductId).Distinct().ToList();
    }

    /// <summary>
    /// Every SKU's update in one round trip: the statements of a batch run in order, so the rows are still locked in id
    /// order (<paramref name="held"/> is sorted by SKU id).
    /// </summary>
    private static async Task UpdateAsync(string update, MySqlConnection connection, MySqlTransaction tx, IReadOnlyList<Held> held,
        DateTime now, CancellationToken ct)
    {
        if (held.Count == 0) return;
        var sql = new StringBuilder();
        var args = new DynamicParameters();
        args.Add("Now", now);
        for (var k = 0; k < held.Count; k++)
        {
            sql.AppendFormat(update, k).Append('\n');
            args.Add($"SkuId{k}", held[k].SkuId);
            args.Add($"Quantity{k}", held[k].Quantity);
        }
        await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, tx, cancellationToken: ct));
    }

    private sealed record Held(long SkuId, long ProductId, long Quantity);
}
