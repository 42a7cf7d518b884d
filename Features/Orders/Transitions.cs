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
    // A seckill order's unit belongs to its activity, not to the SKU: the flag hands it to the seckill expiry
    // pass, which returns it to the activity's Redis stock exactly once (see docs/seckill.md).
    private const string Cancel = """
        UPDATE orders SET status = 'Cancelled', cancel_reason = 'shopper', cancelled_at = @Now, updated_at = @Now,
                          stock_return_pending = CASE WHEN kind = 'seckill' THEN 1 ELSE stock_return_pending END
        WHERE order_no = @OrderNo AND user_id = @UserId AND status = 'PendingPayment'
        """;

    private const string IdAndKindOf = "SELECT id AS Id, kind AS Kind FROM orders WHERE order_no = @OrderNo";

    private const string Receive = """
        UPDATE orders SET status = 'Completed', completed_at = @Now, updated_at = @Now
        WHERE order_no = @OrderNo AND user_id = @UserId AND status = 'Shipped'
        """;

    private const string Ship = """
        UPDATE orders SET status = 'Shipped', shipped_at = @Now, updated_at = @Now
        WHERE order_no = @OrderNo AND status = 'Paid'
        """;

    private const string OwnerOf = "SELECT user_id FROM orders WHERE order_no = @OrderNo";

    /// <summary>
    /// PendingPayment → Cancelled by the shopper. A normal order releases its held stock in the same transaction;
    /// a seckill order is marked for the seckill expiry pass, which gives the unit back to the activity.
    /// </summary>
    public async Task<bool> CancelAsync(string orderNo, long userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        IReadOnlyList<long> products;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
            if (await connection.ExecuteAsync(new CommandDefinition(Cancel, new { OrderNo = orderNo, UserId = userId, Now = now }, tx, cancellationToken: ct)) == 0)
                return false;
            var order = await connection.QuerySingleAsync<(long Id, string Kind)>(new CommandDefinition(IdAndKindOf, new { OrderNo = orderNo }, tx, cancellationToken: ct));
            products = order.Kind == "normal" ? await HeldStock.ReleaseAsync(connection, tx, [order.Id], now, ct) : [];
            await tx.CommitAsync(ct);
        }
        await cache.StockChangedAsync(products);
        await events.PublishAsync(userId, orderNo, OrderStatus.Cancelled, "shopper");
        return true;
    }

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

    /// <summary>Paid → Shipped by an admin.</summary>
    public async Task<bool> ShipAsync(string orderNo, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(Ship, new { OrderNo = orderNo, Now = clock.GetUtcNow().UtcDateTime },
                cancellationToken: ct)) == 0)
            return false;
        var owner = await connection.ExecuteScalarAsync<long>(new CommandDefinition(OwnerOf, new { OrderNo = orderNo }, cancellationToken: ct));
        await events.PublishAsync(owner, orderNo, OrderStatus.Shipped, "admin");
        return true;
    }

    /// <summary>After a refused transition: 404 when the order is not the caller's, else 409 naming its status.</summary>
    public static async Task<IResult> RefusalAsync(MySqlConnection connection, string orderNo, long? ownerId, string wanted, CancellationToken ct)
    {
        var order = await OrderQueries.FindAsync(connection, orderNo, ownerId, ct);
        return order is null
            ? Problem.NotFound("The order")
            : Problem.Conflict($"The order is {order.Status}{(order.Kind == "normal" ? "" : $" ({order.Kind})")}; it cannot be {wanted} now.");
    }
}
