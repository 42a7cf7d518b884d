using Dapper;
using Mall.Features.Catalog;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Orders;

/// <summary>
/// The status changes of the order state machine that users trigger. Each is one conditional UPDATE on the current
/// status, so a repeated or late request changes nothing a second time; the caller learns whether it applied.
/// </summary>
public sealed class Transitions(MySqlDataSource db, CatalogCache cache, OrderEvents events, TimeProvider clock)
{
    private const string OrderNoAndOwnerOf = "SELECT order_no, user_id, kind FROM orders WHERE id = @Id";

    private const string Receive = """
        UPDATE orders SET status = 'Completed', completed_at = @Now, updated_at = @Now
        WHERE order_no = @OrderNo AND user_id = @UserId AND status = 'Shipped'
        """;

    private const string Ship = """
        UPDATE orders SET status = 'Shipped', shipped_at = @Now, updated_at = @Now, carrier = @Carrier, tracking_no = @TrackingNo,
                          shipped_by = @OperatorId
        WHERE id = @Id AND status = 'Paid'
        """;

    // The operator's close is the shopper's cancel (CancelGroups) with another reason: the same stock hand-back, the same single winner.
    private const string Close = """
        UPDATE orders SET status = 'Cancelled', cancel_reason = 'operator', cancel_note = @Note, cancelled_by = @OperatorId,
                          cancelled_at = @Now, updated_at = @Now,
                          stock_return_pending = CASE WHEN kind = 'seckill' THEN 1 ELSE stock_return_pending END
        WHERE id = @Id AND status = 'PendingPayment'
        """;

    /// <summary>Shipped → Completed: the shopper confirms receipt.</summary>
    public async Task<bool> ConfirmReceiptAsync(string orderNo, long userId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(Receive,
                new { OrderNo = orderNo, UserId = userId, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct)) == 0)
            return false;
        await events.PublishAsync(userId, orderNo, OrderStatus.Completed, "shopper");
        return true;
    }

    /// <summary>
    /// Paid → Shipped by an operator, with the carrier and waybill, inside the caller's transaction (which also writes
    /// the audit row). Null when the order is not Paid; otherwise announce the result once committed.
    /// </summary>
    public async Task<Applied?> ShipAsync(MySqlConnection connection, MySqlTransaction tx, long orderId, long operatorId, string carrier,
        string trackingNo, CancellationToken ct)
    {
        var args = new { Id = orderId, OperatorId = operatorId, Carrier = carrier, TrackingNo = trackingNo, Now = clock.GetUtcNow().UtcDateTime };
        if (await connection.ExecuteAsync(new CommandDefinition(Ship, args, tx, cancellationToken: ct)) == 0) return null;
        var order = await connection.QuerySingleAsync<(string OrderNo, long UserId, string Kind)>(new CommandDefinition(OrderNoAndOwnerOf, new { Id = orderId }, tx, cancellationToken: ct));
        return new Applied(order.UserId, order.OrderNo, OrderStatus.Shipped, "admin", []);
    }

    /// <summary>
    /// PendingPayment → Cancelled by an operator ("closed"), inside the caller's transaction. The stock goes back exactly
    /// as on the shopper's cancel: a normal order's held units in this transaction, a seckill order's unit by the seckill
    /// expiry pass. Null when the order is no longer PendingPayment (paid, or closed by someone else first).
    /// </summary>
    public async Task<Applied?> CloseAsync(MySqlConnection connection, MySqlTransaction tx, long orderId, long operatorId, string reason,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (await connection.ExecuteAsync(new CommandDefinition(Close, new { Id = orderId, OperatorId = operatorId, Note = reason, Now = now }, tx,
                cancellationToken: ct)) == 0)
            return null;
        var order = await connection.QuerySingleAsync<(string OrderNo, long UserId, string Kind)>(new CommandDefinition(OrderNoAndOwnerOf, new { Id = orderId }, tx,
            cancellationToken: ct));
        var products = order.Kind == OrderKind.Normal ? await HeldStock.ReleaseAsync(connection, tx, [orderId], now, ct) : [];
        return new Applied(order.UserId, order.OrderNo, OrderStatus.Cancelled, "operator", products);
    }

    /// <summary>After the transaction of a transition committed: fresh stock for the catalog, a push to the shopper.</summary>
    public async Task AnnounceAsync(Applied applied)
    {
        await cache.StockChangedAsync(applied.Products);
        await events.PublishAsync(applied.UserId, applied.OrderNo, applied.Status, applied.Cause);
    }

    /// <param name="Products">The products whose availability changed.</param>
    public sealed record Applied(long UserId, string OrderNo, string Status, string Cause, IReadOnlyList<long> Products);

    /// <summary>After a refused transition: 404 when the order is not the caller's, else 409 naming its status.</summary>
    public static async Task<IResult> RefusalAsync(MySqlConnection connection, string orderNo, long? ownerId, string wanted, CancellationToken ct) =>
        Refusal(await OrderQueries.FindAsync(connection, orderNo, ownerId, ct), wanted);

    /// <summary>The refusal for an order already read (null: not the caller's).</summary>
    public static IResult Refusal(OrderDetail? order, string wanted) =>
        order is null
            ? Problem.NotFound("The order", code: "order.not_found")
            : Problem.Conflict($"The order is {order.Status}{(order.Kind == "normal" ? "" : $" ({order.Kind})")}; it cannot be {wanted} now.",
                code: "order.wrong_state", args: new Dictionary<string, object?> { ["status"] = order.Status });
}
