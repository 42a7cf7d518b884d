using Dapper;
using Mall.Features.Orders;
using MySqlConnector;

namespace Mall.Features.AfterSales;

/// <summary>An open after-sale as its decisions see it, read under the order's and its own row locks.</summary>
public sealed record OpenAfterSale(long Id, string AfterSaleNo, long OrderId, string OrderNo, long UserId, string Status, long AmountCents,
    string OrderStatusBefore);

/// <summary>
/// What happens to a return request awaiting review: approved (→ refund), rejected by an admin, or cancelled by the
/// shopper. Each runs in the caller's transaction after <see cref="LockAsync"/> (order row, then the after-sale's:
/// the same order every after-sale path takes), and each is a conditional UPDATE on the status it expects.
/// </summary>
public static class AfterSaleDecisions
{
    private const string OrderOf = "SELECT order_id FROM after_sales WHERE after_sale_no = @AfterSaleNo AND (@UserId IS NULL OR user_id = @UserId)";

    private const string LockOrder = "SELECT id FROM orders WHERE id = @OrderId FOR UPDATE";

    private const string LockAfterSale = """
        SELECT id AS Id, after_sale_no AS AfterSaleNo, order_id AS OrderId, order_no AS OrderNo, user_id AS UserId, status AS Status,
               amount_cents AS AmountCents, order_status_before AS OrderStatusBefore
        FROM after_sales WHERE after_sale_no = @AfterSaleNo FOR UPDATE
        """;

    private const string Close = """
        UPDATE after_sales SET status = @Status, review_note = @Note, reviewed_by = @ReviewerId,
                               reviewed_at = CASE WHEN @ReviewerId IS NULL THEN reviewed_at ELSE @Now END,
                               closed_at = @Now, open_order_id = NULL, updated_at = @Now
        WHERE id = @Id AND status = 'AwaitingReview'
        """;

    private const string Approve = """
        UPDATE after_sales SET status = 'Refunding', review_note = @Note, reviewed_by = @ReviewerId, reviewed_at = @Now, updated_at = @Now
        WHERE id = @Id AND status = 'AwaitingReview'
        """;

    private const string MoveOrder = "UPDATE orders SET status = @To, updated_at = @Now WHERE id = @OrderId AND status = @From";

    /// <param name="ownerId">The shopper whose after-sale it must be; null for admins.</param>
    public static async Task<OpenAfterSale?> LockAsync(MySqlConnection connection, MySqlTransaction tx, string afterSaleNo, long? ownerId,
        CancellationToken ct)
    {
        var orderId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(OrderOf, new { AfterSaleNo = afterSaleNo, UserId = ownerId },
            tx, cancellationToken: ct));
        if (orderId is null) return null;
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(LockOrder, new { OrderId = orderId }, tx, cancellationToken: ct));
        return await connection.QuerySingleAsync<OpenAfterSale>(new CommandDefinition(LockAfterSale, new { AfterSaleNo = afterSaleNo }, tx,
            cancellationToken: ct));
    }

    /// <summary>AwaitingReview → Rejected / Cancelled; the order goes back to where it was before (Shipped or Completed).</summary>
    public static async Task<bool> CloseAsync(MySqlConnection connection, MySqlTransaction tx, OpenAfterSale afterSale, string status, string? note,
        long? reviewerId, DateTime now, CancellationToken ct)
    {
        if (await connection.ExecuteAsync(new CommandDefinition(Close, new { afterSale.Id, Status = status, Note = note, ReviewerId = reviewerId, Now = now },
                tx, cancellationToken: ct)) == 0)
            return false;
        await connection.ExecuteAsync(new CommandDefinition(MoveOrder, new
        {
            afterSale.OrderId, From = OrderStatus.AfterSale, To = afterSale.OrderStatusBefore, Now = now,
        }, tx, cancellationToken: ct));
        return true;
    }

    /// <summary>AwaitingReview → Refunding, order AfterSale → Refunding, and its refund recorded (null: nothing to refund from).</summary>
    public static async Task<string?> ApproveAsync(MySqlConnection connection, MySqlTransaction tx, OpenAfterSale afterSale, string? note,
        long reviewerId, DateTime now, CancellationToken ct)
    {
        var payment = await AfterSaleRefunds.PaidPaymentAsync(connection, tx, afterSale.OrderId, ct);
        if (payment is null) return null;
        if (await connection.ExecuteAsync(new CommandDefinition(Approve, new { afterSale.Id, Note = note, ReviewerId = reviewerId, Now = now },
                tx, cancellationToken: ct)) == 0)
            return null;
        await connection.ExecuteAsync(new CommandDefinition(MoveOrder, new
        {
            afterSale.OrderId, From = OrderStatus.AfterSale, To = OrderStatus.Refunding, Now = now,
        }, tx, cancellationToken: ct));
        return await AfterSaleRefunds.CreateAsync(connection, tx, afterSale.Id, afterSale.OrderId, payment, afterSale.AmountCents, now, ct);
    }
}
