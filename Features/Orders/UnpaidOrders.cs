using Dapper;
using MySqlConnector;

namespace Mall.Features.Orders;

/// <summary>
/// How many unpaid orders of any kind a shopper holds, for the seckill token step: one cap (Orders:MaxOpenUnpaidOrders)
/// across normal and seckill orders, so nobody holds units in unpaid orders by switching kinds. Checkout counts inside
/// its own transaction. Reservations not yet written as orders are bounded by each activity's per-user limit.
/// One indexed count (orders by user and status) per token request; not cached, since a cached count lets a shopper
/// past the cap for as long as it is kept.
/// </summary>
public sealed class UnpaidOrders(MySqlDataSource db, OrderOptions options)
{
    private const string Count = "SELECT COUNT(*) FROM orders WHERE user_id = @UserId AND status = 'PendingPayment'";

    public int Cap => options.MaxOpenUnpaidOrders;

    public async Task<int> CountAsync(long userId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(Count, new { UserId = userId }, cancellationToken: ct));
    }
}
