using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Mall.Features.Payments;
using Mall.Features.Payments.Sandbox;
using Mall.Features.Payments.WeChatPay;

namespace Mall.Tests.Infrastructure;

/// <summary>The API with the payments sandbox on (<see cref="TestHost.PaymentsSandbox"/>); the helpers are in <see cref="PaymentsKit"/>.</summary>
public sealed class PaymentsApp() : MallApp(TestHost.PaymentsSandbox)
{
    /// <summary>What the API pushed over SignalR, and to whom.</summary>
    public RecordingHubContext Hub => Service<RecordingHubContext>();
}

/// <summary>Notifications off (so only the active query can settle), WeChat Pay in certificate verification mode.</summary>
public sealed class QuietPaymentsApp() : MallApp(TestHost.PaymentsSandbox, QuietPayments)
{
    private static readonly TestHostOption QuietPayments = TestHostOption.Set(
        ("Payments:Sandbox:SendNotifications", "false"),
        ("Payments:WeChatPay:VerifyMode", WeChatPayVerifyModes.Certificate));
}

/// <summary>The API reaches MariaDB only through a TCP proxy the test can cut and restore (the shared server stays up).</summary>
public sealed class DbOutagePaymentsApp : MallApp
{
    public DbOutagePaymentsApp() : this(TcpProxy.ToDatabase()) { }

    private DbOutagePaymentsApp(TcpProxy proxy)
        : base(TestHost.PaymentsSandbox, TestHost.DatabaseThrough(proxy, db => { db.ConnectionTimeout = 3; db.Pooling = true; })) => Proxy = proxy;

    public TcpProxy Proxy { get; }
}

/// <summary>Arrangement and assertion helpers for an app with the payments sandbox on.</summary>
public static class PaymentsKit
{
    public static HttpClient Anonymous(this MallApp app) => app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>An order as checkout would leave it: PendingPayment, its stock locked on a SKU.</summary>
    public static async Task<string> NewOrderAsync(this MallApp app, long userId, long totalCents = 12_900, string status = "PendingPayment", int quantity = 1)
    {
        await using var db = await app.OpenDbAsync();
        var now = DateTime.UtcNow;
        var orderNo = "N" + now.ToString("yyMMddHHmmss") + Random.Shared.NextInt64(1_000_000, 9_999_999);
        var productId = await db.ExecuteScalarAsync<long>("""
            INSERT INTO products (category_id, title, description, images, created_at, updated_at)
            VALUES (1, '测试商品 Test item', '', '[]', @Now, @Now); SELECT LAST_INSERT_ID();
            """, new { Now = now });
        var skuId = await db.ExecuteScalarAsync<long>("""
            INSERT INTO skus (product_id, price_cents, stock, locked, sold, created_at, updated_at)
            VALUES (@ProductId, @Price, 10, @Quantity, 0, @Now, @Now); SELECT LAST_INSERT_ID();
            """, new { ProductId = productId, Price = totalCents / quantity, Quantity = quantity, Now = now });
        var orderId = await db.ExecuteScalarAsync<long>("""
            INSERT INTO orders (order_no, user_id, status, total_cents, created_at, updated_at, expires_at)
            VALUES (@OrderNo, @UserId, @Status, @Total, @Now, @Now, @Expires); SELECT LAST_INSERT_ID();
            """, new { OrderNo = orderNo, UserId = userId, Status = status, Total = totalCents, Now = now, Expires = now.AddMinutes(15) });
        await db.ExecuteAsync("""
            INSERT INTO order_items (order_id, sku_id, product_id, title, price_cents, quantity)
            VALUES (@OrderId, @SkuId, @ProductId, '测试商品 Test item', @Price, @Quantity)
            """, new { OrderId = orderId, SkuId = skuId, ProductId = productId, Price = totalCents / quantity, Quantity = quantity });
        return orderNo;
    }

    /// <summary>What checkout's expiry sweeper does: Cancelled, locked stock returned.</summary>
    public static async Task CancelOrderAsync(this MallApp app, string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("""
            UPDATE orders SET status = 'Cancelled', cancel_reason = 'expired', cancelled_at = UTC_TIMESTAMP(3) WHERE order_no = @OrderNo AND status = 'PendingPayment';
            UPDATE skus s JOIN order_items i ON i.sku_id = s.id JOIN orders o ON o.id = i.order_id
            SET s.locked = s.locked - i.quantity WHERE o.order_no = @OrderNo;
            """, new { OrderNo = orderNo });
    }

    public static async Task<PaymentCreated> PayAsync(this MallApp app, Shopper shopper, string orderNo, string provider, string channel, string? openId = null,
        HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/payments", new { provider, channel, openId });
        return await response.ReadAsync<PaymentCreated>(expected);
    }

    /// <summary>Opens the sandbox cashier page (following any redirect) and clicks "confirm payment".</summary>
    public static async Task ConfirmAtSandboxAsync(this MallApp app, string url)
    {
        var client = app.CreateClient();
        var page = await client.GetAsync(new Uri(url).PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains($"data-testid=\"{SandboxCashier.ConfirmButtonId}\"", html);
        Assert.Contains("确认支付 / Confirm payment", html);
        var action = System.Text.RegularExpressions.Regex.Match(html, "action=\"([^\"]+)\"").Groups[1].Value;
        var confirmed = await client.PostAsync(action, null);
        Assert.Contains("支付成功 / Payment successful", await confirmed.Content.ReadAsStringAsync());
    }

    public static async Task<DbState> StateAsync(this MallApp app, string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        return await db.QuerySingleAsync<DbState>("""
            SELECT o.status AS OrderStatus, u.points AS Points,
                   (SELECT GROUP_CONCAT(p.status ORDER BY p.id) FROM payments p WHERE p.order_id = o.id) AS Payments,
                   (SELECT CAST(SUM(s.locked) AS SIGNED) FROM skus s JOIN order_items i ON i.sku_id = s.id WHERE i.order_id = o.id) AS Locked,
                   (SELECT CAST(SUM(s.sold) AS SIGNED) FROM skus s JOIN order_items i ON i.sku_id = s.id WHERE i.order_id = o.id) AS Sold,
                   (SELECT COUNT(*) FROM points_ledger l WHERE l.order_id = o.id) AS LedgerRows
            FROM orders o JOIN users u ON u.id = o.user_id WHERE o.order_no = @OrderNo
            """, new { OrderNo = orderNo });
    }

    public static Task EventuallyAsync(this MallApp app, string orderNo, Func<DbState, bool> condition, string because) =>
        Http.EventuallyAsync(async () => condition(await app.StateAsync(orderNo)), TimeSpan.FromSeconds(20), because);
}

public sealed record PaymentCreated(string PaymentNo, string OrderNo, string Provider, string Channel, long AmountCents, string Status,
    string? CodeUrl, JsapiParameters? Jsapi, string? RedirectUrl);

public sealed record DbState(string OrderStatus, long Points, string? Payments, long Locked, long Sold, long LedgerRows);
