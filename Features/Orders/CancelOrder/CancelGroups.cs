using System.Data;
using System.Text;
using Dapper;
using Mall.Features.Catalog;
using MySqlConnector;

namespace Mall.Features.Orders.CancelOrder;

/// <summary>One shopper's cancel as its group sees it.</summary>
public sealed record CancelRequest(string OrderNo, long UserId, string? Note);

/// <summary>How a cancel ended: the order as it is now, or the refusal (404: not the shopper's; 409: not unpaid).</summary>
public sealed record CancelOutcome(OrderDetail? Order, IResult? Refusal);

/// <summary>
/// The shopper's cancel (PendingPayment → Cancelled), by group commit (<see cref="GroupCommit{TRequest,TOutcome}"/>):
/// the cancels queued in a lane are one transaction, so a hot SKU whose orders are cancelled as fast as they are placed
/// has its stock row locked and committed once per group, as checkout does. A shopper's cancels meet in one lane. The
/// transaction locks the group's orders and reads them with their items (one round trip), moves every unpaid one to
/// Cancelled (one), gives back what the normal ones held, every SKU in id order (one), and commits. A seckill order is
/// flagged <c>stock_return_pending</c> instead: the seckill expiry pass returns its unit to the activity. The same order
/// twice in a group (a double tap) is cancelled once; the other gets the 409 a second request would.
/// </summary>
public sealed class CancelGroups(MySqlDataSource db, CatalogCache cache, OrderEvents events, OrderOptions options, TimeProvider clock,
    ILogger<CancelGroups> logger) : GroupCommit<CancelRequest, CancelOutcome>(options.Checkout, logger)
{
    private const string Cancel = """
        UPDATE orders SET status = 'Cancelled', cancel_reason = 'shopper', cancel_note = @Note{0}, cancelled_at = @Now, updated_at = @Now,
                          stock_return_pending = CASE WHEN kind = 'seckill' THEN 1 ELSE stock_return_pending END
        WHERE id = @Id{0} AND status = 'PendingPayment';
        """;

    /// <summary>Cancels the shopper's order with whatever else is queued for its lane; completes once its group committed.</summary>
    /// <param name="note">The shopper's reason, if any.</param>
    public Task<CancelOutcome> CancelAsync(string orderNo, long userId, string? note, CancellationToken ct) =>
        SubmitAsync(new CancelRequest(orderNo, userId, note), ct);

    protected override long LaneKey(CancelRequest request) => request.UserId;

    protected internal override async Task CommitGroupAsync(IReadOnlyList<Pending> group, CancellationToken ct)
    {
        // cancelled_at is DATETIME(3): the answer shows what is stored, whether the server rounds (MySQL) or truncates (MariaDB).
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        var outcomes = new CancelOutcome[group.Count];
        var cancelled = new List<StoredOrder>();
        IReadOnlyList<long> products = [];
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            var orders = (await OrderQueries.ReadAsync(connection, group.Select(p => p.Request.OrderNo).Distinct().ToArray(), tx, forUpdate: true, ct))
                .ToDictionary(o => o.Detail.OrderNo);
            for (var i = 0; i < group.Count; i++)
            {
                var request = group[i].Request;
                if (!orders.TryGetValue(request.OrderNo, out var order) || order.UserId != request.UserId)
                {
                    outcomes[i] = new CancelOutcome(null, Transitions.Refusal(null, "cancelled"));
                    continue;
                }
                if (order.Detail.Status != OrderStatus.PendingPayment)
                {
                    outcomes[i] = new CancelOutcome(null, Transitions.Refusal(order.Detail, "cancelled"));
                    continue;
                }
                // The group's later requests for this order see it cancelled, as they would one request later.
                order = orders[request.OrderNo] = order with
                {
                    Detail = order.Detail with { Status = OrderStatus.Cancelled, CancelReason = "shopper", CancelNote = request.Note, CancelledAt = now },
                };
                outcomes[i] = new CancelOutcome(order.Detail, null);
                cancelled.Add(order);
            }
            if (cancelled.Count > 0)
            {
                var sql = new StringBuilder();
                var args = new DynamicParameters();
                args.Add("Now", now);
                for (var n = 0; n < cancelled.Count; n++)
                {
                    sql.AppendFormat(Cancel, n).Append('\n');
                    args.Add($"Id{n}", cancelled[n].Id);
                    args.Add($"Note{n}", cancelled[n].Detail.CancelNote);
                }
                // The rows are locked since the read: each update applies, or something is badly wrong (the group then
                // falls back to one by one).
                var applied = await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, tx, cancellationToken: ct));
                if (applied != cancelled.Count)
                    throw new InvalidOperationException($"Cancelled {applied} of {cancelled.Count} locked unpaid orders");
                // Last: the stock rows, so their locks are held for little more than the commit.
                products = await HeldStock.ReleaseAsync(connection, tx,
                    cancelled.Where(o => o.Detail.Kind == OrderKind.Normal).SelectMany(o => o.Detail.Items).ToList(), now, ct);
            }
            await tx.CommitAsync(ct);
        }
        await StockChangedAsync(cache, products);
        foreach (var order in cancelled) await events.PublishAsync(order.UserId, order.Detail.OrderNo, OrderStatus.Cancelled, "shopper");
        for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(outcomes[i]);
    }
}
