using System.Text.Json;
using Dapper;
using Mall.Features.Catalog;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin;

public sealed record OrderShopper(long Id, string Account, string Nickname, bool Disabled);

public sealed record OrderPaymentView(string PaymentNo, string Provider, string Channel, long AmountCents, string Status, string? ProviderTradeNo,
    DateTime CreatedAt, DateTime? PaidAt, DateTime? ClosedAt, DateTime? RefundedAt);

public sealed record OrderShipment(string? Carrier, string? TrackingNo, DateTime ShippedAt);

public static class TimelineEvent
{
    public const string Created = "created";
    public const string Paid = "paid";
    public const string Shipped = "shipped";
    public const string Received = "received";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
    public const string Closed = "closed";
    public const string Refunded = "refunded";
}

public static class TimelineActor
{
    public const string Shopper = "shopper";
    public const string Operator = "operator";
    public const string System = "system";
}

/// <param name="By">Who did it: the shopper, an operator (with <paramref name="ActorId"/>/<paramref name="ActorAccount"/> where known) or the system (expiry).</param>
/// <param name="Note">What is known beyond the fact: the payment provider, carrier and tracking number, the operator's reason.</param>
public sealed record OrderTimelineEntry([ValuesOf(typeof(TimelineEvent))] string Event, DateTime At, [ValuesOf(typeof(TimelineActor))] string By,
    long? ActorId, string? ActorAccount, string? Note);

public sealed record OrderRemark(long Id, string Text, long AuthorId, string AuthorAccount, DateTime CreatedAt);

/// <summary>An order as the console shows it: the shopper's view plus who the shopper is, payments, a timeline, shipping and remarks.</summary>
public sealed record AdminOrderDetail(string OrderNo, [ValuesOf(typeof(OrderKind))] string Kind, [ValuesOf(typeof(OrderStatus))] string Status,
    long TotalCents, IReadOnlyList<OrderItemView> Items, AddressSnapshot? Address, long UserId, OrderShopper Shopper,
    IReadOnlyList<OrderPaymentView> Payments, OrderShipment? Shipment, IReadOnlyList<OrderTimelineEntry> Timeline, IReadOnlyList<OrderRemark> Remarks,
    string? CancelReason, string? CancelNote, long? ActivityId, DateTime CreatedAt, DateTime ExpiresAt, DateTime? PaidAt, DateTime? ShippedAt,
    DateTime? CompletedAt, DateTime? CancelledAt, IReadOnlyList<OrderRefundView> Refunds, long RefundedCents);

/// <summary>What an operator's change is recorded as in the audit log, before and after.</summary>
public sealed record AuditedOrder(string OrderNo, string Status, string? Carrier, string? TrackingNo, string? CancelReason, string? CancelNote,
    DateTime? ShippedAt, DateTime? CancelledAt)
{
    public long Id { get; init; }
    public long UserId { get; init; }
    public string Kind { get; init; } = "";
}

/// <summary>The console's reads of one order.</summary>
public static class AdminOrders
{
    private const string Columns = """
        o.id AS Id, o.order_no AS OrderNo, o.user_id AS UserId, o.kind AS Kind, o.status AS Status, o.total_cents AS TotalCents,
        o.address_snapshot AS AddressSnapshot, o.activity_id AS ActivityId, o.cancel_reason AS CancelReason, o.cancel_note AS CancelNote,
        o.carrier AS Carrier, o.tracking_no AS TrackingNo, o.shipped_by AS ShippedBy, o.cancelled_by AS CancelledBy,
        o.created_at AS CreatedAt, o.expires_at AS ExpiresAt, o.paid_at AS PaidAt, o.shipped_at AS ShippedAt,
        o.completed_at AS CompletedAt, o.cancelled_at AS CancelledAt
        """;

    private const string OrderByNo = $"SELECT {Columns} FROM orders o WHERE o.order_no = @OrderNo";

    private const string Rest = """
        SELECT sku_id AS SkuId, product_id AS ProductId, title AS Title, specs AS Specs, image AS Image, price_cents AS PriceCents, quantity AS Quantity
        FROM order_items WHERE order_id = @OrderId ORDER BY id;

        SELECT id AS Id, account AS Account, nickname AS Nickname, disabled_at AS DisabledAt FROM users WHERE id = @UserId;

        SELECT payment_no AS PaymentNo, provider AS Provider, channel AS Channel, amount_cents AS AmountCents, status AS Status,
               provider_trade_no AS ProviderTradeNo, created_at AS CreatedAt, paid_at AS PaidAt, closed_at AS ClosedAt, refunded_at AS RefundedAt
        FROM payments WHERE order_id = @OrderId ORDER BY id;

        SELECT r.id AS Id, r.body AS Text, r.author_id AS AuthorId, COALESCE(u.account, '') AS AuthorAccount, r.created_at AS CreatedAt
        FROM order_remarks r LEFT JOIN users u ON u.id = r.author_id WHERE r.order_id = @OrderId ORDER BY r.id;

        SELECT id AS Id, account AS Account FROM users WHERE id IN @Operators;

        SELECT r.refund_no AS RefundNo, a.after_sale_no AS AfterSaleNo, r.amount_cents AS AmountCents, r.status AS Status,
               r.created_at AS CreatedAt, r.succeeded_at AS SucceededAt
        FROM refunds r JOIN after_sales a ON a.id = r.after_sale_id WHERE r.order_id = @OrderId ORDER BY r.id;
        """;

    private const string StateForUpdate = """
        SELECT id AS Id, user_id AS UserId, kind AS Kind, order_no AS OrderNo, status AS Status, carrier AS Carrier, tracking_no AS TrackingNo,
               cancel_reason AS CancelReason, cancel_note AS CancelNote, shipped_at AS ShippedAt, cancelled_at AS CancelledAt
        FROM orders WHERE order_no = @OrderNo FOR UPDATE
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Locks the order for the rest of the caller's transaction and returns what the audit log records of it: two
    /// operators acting on one order at once take turns, and the second sees the first one's result.
    /// </summary>
    public static async Task<AuditedOrder?> LockAsync(MySqlConnection connection, MySqlTransaction tx, string orderNo, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(StateForUpdate, new { OrderNo = orderNo }, tx, cancellationToken: ct));
        return row is null ? null : new AuditedOrder(row.OrderNo, row.Status, row.Carrier, row.TrackingNo, row.CancelReason, row.CancelNote,
            Utc(row.ShippedAt), Utc(row.CancelledAt)) { Id = row.Id, UserId = row.UserId, Kind = row.Kind };
    }

    /// <summary>
    /// An operator moves one order through <see cref="Transitions"/> (ship, close): the order is locked, the move applied,
    /// the audit entry written with the order before and after, all in one READ COMMITTED transaction (no gap locks for
    /// checkouts to wait on), and the move announced once committed. Answers the problem to send when there is no such
    /// order (404) or its state refuses the move (409, <paramref name="refused"/> of the state it was in); null when done.
    /// </summary>
    public static async Task<IResult?> MoveAsync(MySqlConnection connection, HttpContext http, AdminAudit audit, Transitions transitions,
        string orderNo, string action, Func<MySqlTransaction, long, Task<Transitions.Applied?>> move, Func<string, IResult> refused, CancellationToken ct)
    {
        Transitions.Applied? applied;
        await using (var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct))
        {
            if (await LockAsync(connection, tx, orderNo, ct) is not { } before) return AdminOrderProblems.NotFound();
            applied = await move(tx, before.Id);
            if (applied is null) return refused(before.Status);
            var after = await LockAsync(connection, tx, orderNo, ct);
            await audit.WriteAsync(connection, tx, http, action, "order", orderNo, before, after, ct);
            await tx.CommitAsync(ct);
        }
        await transitions.AnnounceAsync(applied);
        return null;
    }

    public static async Task<AdminOrderDetail?> DetailAsync(MySqlConnection connection, string orderNo, CancellationToken ct, MySqlTransaction? tx = null)
    {
        var o = await connection.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(OrderByNo, new { OrderNo = orderNo }, tx, cancellationToken: ct));
        if (o is null) return null;
        var operators = new[] { o.ShippedBy, o.CancelledBy }.OfType<long>().Distinct().DefaultIfEmpty(0).ToArray();
        using var rest = await connection.QueryMultipleAsync(new CommandDefinition(Rest, new { OrderId = o.Id, o.UserId, Operators = operators }, tx, cancellationToken: ct));
        var items = (await rest.ReadAsync<ItemRow>()).Select(i => new OrderItemView(i.SkuId, i.ProductId, i.Title, CatalogRules.ParseSpecs(i.Specs), i.Image,
            i.PriceCents, i.Quantity, i.PriceCents * i.Quantity)).ToList();
        var shopper = await rest.ReadSingleOrDefaultAsync<ShopperRow>() is { } u
            ? new OrderShopper(u.Id, u.Account, u.Nickname, u.DisabledAt is not null)
            : new OrderShopper(o.UserId, "", "", false);
        var payments = (await rest.ReadAsync<OrderPaymentView>()).Select(p => p with
        {
            CreatedAt = Utc(p.CreatedAt), PaidAt = Utc(p.PaidAt), ClosedAt = Utc(p.ClosedAt), RefundedAt = Utc(p.RefundedAt),
        }).ToList();
        var remarks = (await rest.ReadAsync<OrderRemark>()).Select(r => r with { CreatedAt = Utc(r.CreatedAt) }).ToList();
        var accounts = (await rest.ReadAsync<(long Id, string Account)>()).ToDictionary(a => a.Id, a => a.Account);
        var refunds = (await rest.ReadAsync<OrderRefundView>())
            .Select(r => r with { CreatedAt = Utc(r.CreatedAt), SucceededAt = Utc(r.SucceededAt) }).ToList();
        var address = string.IsNullOrEmpty(o.AddressSnapshot) ? null : JsonSerializer.Deserialize<AddressSnapshot>(o.AddressSnapshot, Json);
        var shipment = o.ShippedAt is null ? null : new OrderShipment(o.Carrier, o.TrackingNo, Utc(o.ShippedAt.Value));
        return new AdminOrderDetail(o.OrderNo, o.Kind, o.Status, o.TotalCents, items, address, o.UserId, shopper, payments, shipment,
            Timeline(o, shopper, payments, refunds, accounts), remarks, o.CancelReason, o.CancelNote, o.ActivityId, Utc(o.CreatedAt), Utc(o.ExpiresAt),
            Utc(o.PaidAt), Utc(o.ShippedAt), Utc(o.CompletedAt), Utc(o.CancelledAt),
            refunds, refunds.Where(r => r.Status == "Succeeded").Sum(r => r.AmountCents));
    }

    /// <summary>One entry per step the order took, oldest first, from its own timestamps and its payments.</summary>
    private static List<OrderTimelineEntry> Timeline(OrderRow o, OrderShopper shopper, IReadOnlyList<OrderPaymentView> payments,
        IReadOnlyList<OrderRefundView> refunds, IReadOnlyDictionary<long, string> operators)
    {
        string? AccountOf(long? id) => id is { } known && operators.TryGetValue(known, out var account) ? account : null;
        var timeline = new List<OrderTimelineEntry> { new(TimelineEvent.Created, Utc(o.CreatedAt), TimelineActor.Shopper, shopper.Id, shopper.Account, null) };
        if (o.PaidAt is { } paidAt)
        {
            var payment = payments.FirstOrDefault(p => p.Status is "Paid" && p.PaidAt is not null) ?? payments.FirstOrDefault(p => p.PaidAt is not null);
            timeline.Add(new(TimelineEvent.Paid, Utc(paidAt), TimelineActor.Shopper, shopper.Id, shopper.Account,
                payment is null ? null : $"{payment.Provider} {payment.PaymentNo}"));
        }
        if (o.ShippedAt is { } shippedAt)
            timeline.Add(new(TimelineEvent.Shipped, Utc(shippedAt), TimelineActor.Operator, o.ShippedBy, AccountOf(o.ShippedBy),
                o.Carrier is null ? null : $"{o.Carrier} {o.TrackingNo}"));
        if (o.CompletedAt is { } completedAt)
            timeline.Add(new(TimelineEvent.Received, Utc(completedAt), TimelineActor.Shopper, shopper.Id, shopper.Account, null));
        if (o.CancelledAt is { } cancelledAt)
            timeline.Add(o.CancelReason switch
            {
                "shopper" => new(TimelineEvent.Cancelled, Utc(cancelledAt), TimelineActor.Shopper, shopper.Id, shopper.Account, o.CancelNote),
                "operator" => new(TimelineEvent.Closed, Utc(cancelledAt), TimelineActor.Operator, o.CancelledBy, AccountOf(o.CancelledBy), o.CancelNote),
                "expired" => new(TimelineEvent.Expired, Utc(cancelledAt), TimelineActor.System, null, null, "unpaid past " + Utc(o.ExpiresAt).ToString("O")),
                var other => new(TimelineEvent.Cancelled, Utc(cancelledAt), TimelineActor.System, null, null, other),
            });
        foreach (var refund in payments.Where(p => p.RefundedAt is not null))
            timeline.Add(new(TimelineEvent.Refunded, refund.RefundedAt!.Value, TimelineActor.System, null, null, $"{refund.Provider} {refund.PaymentNo}"));
        // After-sale refunds (partial or whole), each once the provider confirmed it.
        foreach (var refund in refunds.Where(r => r.SucceededAt is not null))
            timeline.Add(new(TimelineEvent.Refunded, refund.SucceededAt!.Value, TimelineActor.System, null, null,
                $"{refund.RefundNo} ({refund.AfterSaleNo}) {refund.AmountCents / 100m:0.00}"));
        return timeline.OrderBy(e => e.At).ToList();
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
    private static DateTime? Utc(DateTime? value) => value is null ? null : Utc(value.Value);

    private sealed record StateRow(long Id, long UserId, string Kind, string OrderNo, string Status, string? Carrier, string? TrackingNo,
        string? CancelReason, string? CancelNote, DateTime? ShippedAt, DateTime? CancelledAt);

    private sealed record OrderRow(long Id, string OrderNo, long UserId, string Kind, string Status, long TotalCents, string? AddressSnapshot,
        long? ActivityId, string? CancelReason, string? CancelNote, string? Carrier, string? TrackingNo, long? ShippedBy, long? CancelledBy,
        DateTime CreatedAt, DateTime ExpiresAt, DateTime? PaidAt, DateTime? ShippedAt, DateTime? CompletedAt, DateTime? CancelledAt);

    private sealed record ShopperRow(long Id, string Account, string Nickname, DateTime? DisabledAt);

    private sealed record ItemRow(long SkuId, long ProductId, string Title, string Specs, string Image, long PriceCents, int Quantity);
}
