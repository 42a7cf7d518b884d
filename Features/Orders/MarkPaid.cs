using Dapper;
using MySqlConnector;

namespace Mall.Features.Orders;

public enum MarkPaidOutcome
{
    /// <summary>The order moved PendingPayment → Paid just now (stock sold, points granted).</summary>
    Paid,
    /// <summary>It was already Paid (or later): a duplicate event, nothing changed.</summary>
    AlreadyPaid,
    /// <summary>Cancelled or expired: the order is never resurrected; the caller refunds the money.</summary>
    NotPayable,
    NotFound,
}

/// <param name="ProductIds">When Paid: the products whose sales grew (their cached pages show the count).</param>
public sealed record MarkPaidResult(MarkPaidOutcome Outcome, long OrderId, long UserId, long TotalCents, IReadOnlyList<long>? ProductIds = null);

/// <summary>
/// The internal Paid transition, called by payments inside its own transaction (the payment row and the order
/// move together). PendingPayment → Paid is a conditional UPDATE, so a duplicate or late notification is a
/// no-op. In the same transaction: locked stock becomes sold (both order kinds: seckill stock is reserved
/// from the SKU as locked), product sales grow, and points are granted once (1 point per whole yuan, ledger
/// row unique per order).
/// </summary>
public static class MarkPaid
{
    private const string FindOrder = """
        SELECT id AS Id, user_id AS UserId, status AS Status, total_cents AS TotalCents
        FROM orders WHERE order_no = @OrderNo FOR UPDATE
        """;

    private const string Transition = """
        UPDATE orders SET status = 'Paid', paid_at = @Now, updated_at = @Now
        WHERE id = @OrderId AND status = 'PendingPayment'
        """;

    private const string AddSales = """
        UPDATE products p JOIN (SELECT product_id, SUM(quantity) AS q FROM order_items WHERE order_id = @OrderId GROUP BY product_id) i
            ON p.id = i.product_id
        SET p.sales = p.sales + i.q
        """;

    private const string ProductsOfOrder = "SELECT DISTINCT product_id FROM order_items WHERE order_id = @OrderId";

    private const string GrantPoints = """
        INSERT IGNORE INTO points_ledger (user_id, order_id, reason, points, created_at)
        VALUES (@UserId, @OrderId, 'paid', @Points, @Now)
        """;

    private const string AddPoints = "UPDATE users SET points = points + @Points WHERE id = @UserId";

    public static async Task<MarkPaidResult> ExecuteAsync(MySqlConnection connection, MySqlTransaction transaction,
        string orderNo, DateTime nowUtc, CancellationToken ct = default)
    {
        var order = await connection.QuerySingleOrDefaultAsync<OrderRow>(
            new CommandDefinition(FindOrder, new { OrderNo = orderNo }, transaction, cancellationToken: ct));
        if (order is null) return new MarkPaidResult(MarkPaidOutcome.NotFound, 0, 0, 0);
        var result = new MarkPaidResult(MarkPaidOutcome.Paid, order.Id, order.UserId, order.TotalCents);
        if (order.Status != "PendingPayment")
            return result with { Outcome = order.Status is "Cancelled" ? MarkPaidOutcome.NotPayable : MarkPaidOutcome.AlreadyPaid };

        var args = new { OrderId = order.Id, order.UserId, Now = nowUtc, Points = OrderPricing.PointsFor(order.TotalCents) };
        if (await connection.ExecuteAsync(new CommandDefinition(Transition, args, transaction, cancellationToken: ct)) != 1)
            return result with { Outcome = MarkPaidOutcome.AlreadyPaid };
        await HeldStock.SellAsync(connection, transaction, order.Id, nowUtc, ct);
        await connection.ExecuteAsync(new CommandDefinition(AddSales, args, transaction, cancellationToken: ct));
        result = result with
        {
            ProductIds = (await connection.QueryAsync<long>(new CommandDefinition(ProductsOfOrder, args, transaction, cancellationToken: ct))).ToList(),
        };
        if (await connection.ExecuteAsync(new CommandDefinition(GrantPoints, args, transaction, cancellationToken: ct)) == 1)
            await connection.ExecuteAsync(new CommandDefinition(AddPoints, args, transaction, cancellationToken: ct));
        return result;
    }

    private sealed record OrderRow(long Id, long UserId, string Status, long TotalCents);
}
