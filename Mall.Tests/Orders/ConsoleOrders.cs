using System.Net.Http.Json;
using Dapper;
using Mall.Features.Orders;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Orders;

/// <summary>Orders written straight to the database with the fields the console searches by, for the admin order tests.</summary>
public static class ConsoleOrders
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MallApp, Task<Shopper>> Admins = [];

    /// <summary>The admin signed in once per fixture: every sign-in costs a password hash, and the machine is shared.</summary>
    public static Task<Shopper> AdminOnceAsync(this MallApp app) => Admins.GetValue(app, a => a.AdminAsync());

    public static async Task<string> InsertAsync(MallApp app, long userId, string kind = "normal", string status = "PendingPayment",
        DateTime? createdAt = null, long totalCents = 1_000, string title = "测试商品", string? addressJson = null)
    {
        var orderNo = "T" + Guid.NewGuid().ToString("N")[..20];
        var at = createdAt ?? DateTime.UtcNow;
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("""
            INSERT INTO orders (order_no, user_id, kind, status, total_cents, address_snapshot, created_at, updated_at, expires_at, paid_at)
            VALUES (@OrderNo, @UserId, @Kind, @Status, @Total, @Address, @At, @At, @Expires,
                    CASE WHEN @Status IN ('Paid', 'Shipped', 'Completed') THEN @At END);
            INSERT INTO order_items (order_id, sku_id, product_id, title, specs, image, price_cents, quantity)
            VALUES (LAST_INSERT_ID(), 1, 1, @Title, '{}', '', @Total, 1);
            """, new { OrderNo = orderNo, UserId = userId, Kind = kind, Status = status, Total = totalCents, Address = addressJson, At = at,
                       Expires = at.AddMinutes(15), Title = title });
        return orderNo;
    }

    /// <summary>Many orders of one shopper in one statement (orders numbered {prefix}000001…).</summary>
    public static async Task InsertManyAsync(MallApp app, long userId, int count, string status = "Paid")
    {
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("""
            INSERT INTO orders (order_no, user_id, kind, status, total_cents, created_at, updated_at, expires_at)
            SELECT CONCAT('M', @UserId, 'X', LPAD(n, 6, '0')), @UserId, 'normal', @Status, 100 + n,
                   DATE_SUB(UTC_TIMESTAMP(3), INTERVAL n SECOND), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
            FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n
                  FROM (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a
                  CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b
                  CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c
                  CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e
                  CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) f) numbers
            WHERE n BETWEEN 1 AND @Count
            """, new { UserId = userId, Count = count, Status = status });
    }

    /// <summary>A real checkout: the order holds its stock on the SKU.</summary>
    public static async Task<string> CheckoutAsync(MallApp app, Shopper shopper, TestSku sku, int quantity)
    {
        var addressId = await shopper.AddressAsync();
        var placed = await (await shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity } }, addressId }))
            .ReadAsync<ShopFixtures.PlacedOrder>(System.Net.HttpStatusCode.Created);
        return placed.OrderNo;
    }

    public static async Task<MarkPaidResult> MarkPaidAsync(MallApp app, string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        await using var tx = await db.BeginTransactionAsync();
        var result = await MarkPaid.ExecuteAsync(db, tx, orderNo, DateTime.UtcNow);
        await tx.CommitAsync();
        return result;
    }

    public static Task<HttpResponseMessage> ShipAsync(this Shopper admin, string orderNo, string carrier = "顺丰速运", string trackingNo = "SF1234567890") =>
        admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/ship", new { carrier, trackingNo });
}
