using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Dapper;
using Mall.Features.Catalog;
using MySqlConnector;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Orders;

public sealed record AddressSnapshot(string Receiver, string Phone, string Province, string City, string District, string Detail);

public sealed record OrderItemView(long SkuId, long ProductId, string Title, Dictionary<string, string> Specs, string Image,
    long PriceCents, int Quantity, long LineTotalCents);

/// <summary>
/// An order with its items, the address it ships to, and a timestamp per reached status (for a timeline). GET
/// /orders/{orderNo} also fills in the money given back: <c>refundedCents</c> (confirmed refunds), <c>refunds</c> and
/// the after-sale still open, if any (see docs/payments.md, After-sales).
/// </summary>
public sealed record OrderDetail(string OrderNo, [ValuesOf(typeof(OrderKind))] string Kind, [ValuesOf(typeof(OrderStatus))] string Status, long TotalCents, IReadOnlyList<OrderItemView> Items,
    AddressSnapshot? Address, string? CancelReason, DateTime CreatedAt, DateTime ExpiresAt, DateTime? PaidAt,
    DateTime? ShippedAt, DateTime? CompletedAt, DateTime? CancelledAt, long? UserId = null,
    long RefundedCents = 0, IReadOnlyList<OrderRefundView>? Refunds = null, string? OpenAfterSaleNo = null, string? CancelNote = null);

/// <summary>One refund of an order (after-sales): Pending/Processing until the provider confirms it, then Succeeded.</summary>
public sealed record OrderRefundView(string RefundNo, string AfterSaleNo, long AmountCents, string Status, DateTime CreatedAt, DateTime? SucceededAt);

public sealed record OrderSummary(string OrderNo, [ValuesOf(typeof(OrderKind))] string Kind, [ValuesOf(typeof(OrderStatus))] string Status, long TotalCents, int ItemCount, string Title,
    string Image, DateTime CreatedAt, DateTime ExpiresAt, long? UserId = null);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize, long Total);

/// <summary>A normal checkout order or one written for a seckill reservation.</summary>
public static class OrderKind
{
    public const string Normal = "normal";
    public const string Seckill = "seckill";
}

public static class OrderStatus
{
    public const string PendingPayment = "PendingPayment";
    public const string Paid = "Paid";
    public const string Shipped = "Shipped";
    public const string Completed = "Completed";
    public const string Cancelled = "Cancelled";
    /// <summary>A return request of a shipped order waits for an admin's review (after-sales).</summary>
    public const string AfterSale = "AfterSale";
    /// <summary>An after-sale's refund is with the provider; then back where the order was, or Refunded when all of it was.</summary>
    public const string Refunding = "Refunding";
    /// <summary>Everything paid was refunded (terminal).</summary>
    public const string Refunded = "Refunded";

    public static readonly string[] All = [PendingPayment, Paid, Shipped, Completed, Cancelled, AfterSale, Refunding, Refunded];
}

/// <summary>An order as stored: its id and owner, and the detail its owner sees.</summary>
public sealed record StoredOrder(long Id, long UserId, OrderDetail Detail);

/// <summary>Reads shared by the order slices (shopper and admin views differ only in the owner filter).</summary>
public static class OrderQueries
{
    private const string OrdersByNos = """
        SELECT id AS Id, user_id AS UserId, order_no AS OrderNo, kind AS Kind, status AS Status, total_cents AS TotalCents,
               address_snapshot AS AddressSnapshot, cancel_reason AS CancelReason, cancel_note AS CancelNote, created_at AS CreatedAt, expires_at AS ExpiresAt,
               paid_at AS PaidAt, shipped_at AS ShippedAt, completed_at AS CompletedAt, cancelled_at AS CancelledAt
        FROM orders WHERE order_no IN @OrderNos ORDER BY id
        """;

    private const string ItemsByNos = """
        SELECT i.order_id AS OrderId, i.sku_id AS SkuId, i.product_id AS ProductId, i.title AS Title, i.specs AS Specs, i.image AS Image,
               i.price_cents AS PriceCents, i.quantity AS Quantity
        FROM order_items i JOIN orders o ON o.id = i.order_id
        WHERE o.order_no IN @OrderNos ORDER BY i.id
        """;

    // Orders and their items in one round trip; the locking form locks the orders' rows, which also holds their items
    // still: an order's items never change.
    private const string Read = OrdersByNos + ";\n" + ItemsByNos + ";";
    private const string ReadForUpdate = OrdersByNos + " FOR UPDATE;\n" + ItemsByNos + ";";

    private const string PageOf = """
        SELECT o.order_no AS OrderNo, o.kind AS Kind, o.status AS Status, o.total_cents AS TotalCents, o.user_id AS UserId,
               o.created_at AS CreatedAt, o.expires_at AS ExpiresAt,
               (SELECT CAST(COALESCE(SUM(i.quantity), 0) AS SIGNED) FROM order_items i WHERE i.order_id = o.id) AS ItemCount,
               COALESCE((SELECT i.title FROM order_items i WHERE i.order_id = o.id ORDER BY i.id LIMIT 1), '') AS Title,
               COALESCE((SELECT i.image FROM order_items i WHERE i.order_id = o.id ORDER BY i.id LIMIT 1), '') AS Image
        FROM orders o
        WHERE (@UserId IS NULL OR o.user_id = @UserId) AND (@Status IS NULL OR o.status = @Status)
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT @Limit OFFSET @Offset;

        SELECT COUNT(*) FROM orders o WHERE (@UserId IS NULL OR o.user_id = @UserId) AND (@Status IS NULL OR o.status = @Status);
        """;

    // camelCase like the API, Chinese unescaped; reading is case-insensitive, so snapshots other features write work too.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The order and its items, in one round trip.</summary>
    /// <param name="ownerId">The shopper whose order it must be; null for admins (any order, with its owner's id).</param>
    public static async Task<OrderDetail?> FindAsync(MySqlConnection connection, string orderNo, long? ownerId, CancellationToken ct)
    {
        var order = (await ReadAsync(connection, [orderNo], null, forUpdate: false, ct)).SingleOrDefault();
        if (order is null || (ownerId is not null && order.UserId != ownerId)) return null;
        return ownerId is null ? order.Detail with { UserId = order.UserId } : order.Detail;
    }

    /// <summary>
    /// Orders with their items, in one round trip, each as its owner sees it; <paramref name="forUpdate"/> locks them
    /// (inside <paramref name="tx"/>). Numbers that match no order are simply absent.
    /// </summary>
    public static async Task<List<StoredOrder>> ReadAsync(MySqlConnection connection, IReadOnlyCollection<string> orderNos,
        MySqlTransaction? tx, bool forUpdate, CancellationToken ct)
    {
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(forUpdate ? ReadForUpdate : Read,
            new { OrderNos = orderNos }, tx, cancellationToken: ct));
        var orders = (await results.ReadAsync<OrderRow>()).ToList();
        var items = (await results.ReadAsync<ItemRow>()).ToLookup(i => i.OrderId, i => new OrderItemView(i.SkuId, i.ProductId, i.Title,
            CatalogRules.ParseSpecs(i.Specs), i.Image, i.PriceCents, i.Quantity, i.PriceCents * i.Quantity));
        return orders.Select(o => new StoredOrder(o.Id, o.UserId, new OrderDetail(o.OrderNo, o.Kind, o.Status, o.TotalCents, items[o.Id].ToList(),
            string.IsNullOrEmpty(o.AddressSnapshot) ? null : JsonSerializer.Deserialize<AddressSnapshot>(o.AddressSnapshot, Json), o.CancelReason,
            Utc(o.CreatedAt), Utc(o.ExpiresAt), Utc(o.PaidAt), Utc(o.ShippedAt), Utc(o.CompletedAt), Utc(o.CancelledAt),
            CancelNote: o.CancelNote))).ToList();
    }

    public static async Task<OrderPage> PageAsync(MySqlConnection connection, long? ownerId, string? status, int page, int pageSize,
        CancellationToken ct)
    {
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(PageOf, new
        {
            UserId = ownerId, Status = status, Limit = pageSize, Offset = (page - 1) * pageSize,
        }, cancellationToken: ct));
        var rows = await results.ReadAsync<SummaryRow>();
        var total = await results.ReadSingleAsync<long>();
        return new OrderPage(rows.Select(r => new OrderSummary(r.OrderNo, r.Kind, r.Status, r.TotalCents, (int)r.ItemCount, r.Title,
            r.Image, Utc(r.CreatedAt), Utc(r.ExpiresAt), ownerId is null ? r.UserId : null)).ToList(), page, pageSize, total);
    }

    public static string SerializeAddress(AddressSnapshot address) => JsonSerializer.Serialize(address, Json);

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
    private static DateTime? Utc(DateTime? value) => value is null ? null : Utc(value.Value);

    private sealed record OrderRow(long Id, long UserId, string OrderNo, string Kind, string Status, long TotalCents, string? AddressSnapshot,
        string? CancelReason, string? CancelNote, DateTime CreatedAt, DateTime ExpiresAt, DateTime? PaidAt, DateTime? ShippedAt, DateTime? CompletedAt,
        DateTime? CancelledAt);

    private sealed record ItemRow(long OrderId, long SkuId, long ProductId, string Title, string Specs, string Image, long PriceCents, int Quantity);

    private sealed record SummaryRow(string OrderNo, string Kind, string Status, long TotalCents, long UserId, DateTime CreatedAt,
        DateTime ExpiresAt, long ItemCount, string Title, string Image);
}
