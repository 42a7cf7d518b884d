using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Mall.Features.Payments;
using Mall.Features.Payments.Sandbox;
using Mall.Features.Payments.WeChatPay;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mall.Tests.Payments;

/// <summary>
/// The API with the payments sandbox on: the shop's WeChat Pay / Alipay clients and the sandbox's notifier go
/// through named HttpClients routed into this in-process server, so every test runs the real wire protocol.
/// The housekeeping worker is parked; tests run a round themselves with <see cref="PaymentWorker.RunOnceAsync"/>.
/// </summary>
public class PaymentsApp : MallApp
{
    protected virtual IDictionary<string, string?> PaymentSettings => new Dictionary<string, string?>();

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Mall:PublicBaseUrl"] = "http://localhost",
                ["Payments:Sandbox:Enabled"] = "true",
                ["Payments:WorkerIntervalSeconds"] = "3600",
            };
            double[] retries = [0.2, 0.3, 0.5, 0.5, 1, 1, 1, 2, 2, 2];
            for (var i = 0; i < retries.Length; i++) settings[$"Payments:Sandbox:RetryScheduleSeconds:{i}"] = retries[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (key, value) in PaymentSettings) settings[key] = value;
            return settings;
        }
    }

    public RecordingHubContext Hub { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton<Microsoft.AspNetCore.SignalR.IHubContext<Mall.Infrastructure.MallHub>>(Hub);
        foreach (var name in new[] { WeChatPayClient.HttpClientName, Features.Payments.Alipay.AlipayClient.HttpClientName, SandboxNotifier.HttpClientName })
            services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
    }

    public HttpClient Anonymous() => CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>An order as checkout would leave it: PendingPayment, its stock locked on a SKU.</summary>
    public async Task<string> NewOrderAsync(long userId, long totalCents = 12_900, string status = "PendingPayment", int quantity = 1)
    {
        await using var db = await OpenDbAsync();
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
    public async Task CancelOrderAsync(string orderNo)
    {
        await using var db = await OpenDbAsync();
        await db.ExecuteAsync("""
            UPDATE orders SET status = 'Cancelled', cancel_reason = 'expired', cancelled_at = UTC_TIMESTAMP(3) WHERE order_no = @OrderNo AND status = 'PendingPayment';
            UPDATE skus s JOIN order_items i ON i.sku_id = s.id JOIN orders o ON o.id = i.order_id
            SET s.locked = s.locked - i.quantity WHERE o.order_no = @OrderNo;
            """, new { OrderNo = orderNo });
    }

    public async Task<PaymentCreated> PayAsync(Shopper shopper, string orderNo, string provider, string channel, string? openId = null,
        HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/payments", new { provider, channel, openId });
        return await response.ReadAsync<PaymentCreated>(expected);
    }

    /// <summary>Opens the sandbox cashier page (following any redirect) and clicks "confirm payment".</summary>
    public async Task ConfirmAtSandboxAsync(string url)
    {
        var client = CreateClient();
        var page = await client.GetAsync(new Uri(url).PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains($"data-testid=\"{SandboxCashier.ConfirmButtonId}\"", html);
        Assert.Contains("确认支付 / Confirm payment", html);
        var action = System.Text.RegularExpressions.Regex.Match(html, "action=\"([^\"]+)\"").Groups[1].Value;
        var confirmed = await client.PostAsync(action, null);
        Assert.Contains("支付成功 / Payment successful", await confirmed.Content.ReadAsStringAsync());
    }

    public async Task<DbState> StateAsync(string orderNo)
    {
        await using var db = await OpenDbAsync();
        return await db.QuerySingleAsync<DbState>("""
            SELECT o.status AS OrderStatus, u.points AS Points,
                   (SELECT GROUP_CONCAT(p.status ORDER BY p.id) FROM payments p WHERE p.order_id = o.id) AS Payments,
                   (SELECT CAST(SUM(s.locked) AS SIGNED) FROM skus s JOIN order_items i ON i.sku_id = s.id WHERE i.order_id = o.id) AS Locked,
                   (SELECT CAST(SUM(s.sold) AS SIGNED) FROM skus s JOIN order_items i ON i.sku_id = s.id WHERE i.order_id = o.id) AS Sold,
                   (SELECT COUNT(*) FROM points_ledger l WHERE l.order_id = o.id) AS LedgerRows
            FROM orders o JOIN users u ON u.id = o.user_id WHERE o.order_no = @OrderNo
            """, new { OrderNo = orderNo });
    }

    public Task EventuallyAsync(string orderNo, Func<DbState, bool> condition, string because) =>
        Http.EventuallyAsync(async () => condition(await StateAsync(orderNo)), TimeSpan.FromSeconds(20), because);
}

public sealed record PaymentCreated(string PaymentNo, string OrderNo, string Provider, string Channel, long AmountCents, string Status,
    string? CodeUrl, JsapiParameters? Jsapi, string? RedirectUrl);

public sealed record DbState(string OrderStatus, long Points, string? Payments, long Locked, long Sold, long LedgerRows);

/// <summary>Notifications off (so only the active query can settle), WeChat Pay in certificate verification mode.</summary>
public sealed class QuietPaymentsApp : PaymentsApp
{
    protected override IDictionary<string, string?> PaymentSettings => new Dictionary<string, string?>
    {
        ["Payments:Sandbox:SendNotifications"] = "false",
        ["Payments:WeChatPay:VerifyMode"] = WeChatPayVerifyModes.Certificate,
    };
}

/// <summary>The API reaches MariaDB only through a TCP proxy the test can cut and restore (the shared server stays up).</summary>
public sealed class DbOutagePaymentsApp : PaymentsApp
{
    public TcpProxy Proxy { get; } = TcpProxy.ToDatabase();

    protected override IDictionary<string, string?> PaymentSettings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Mall"] = new MySqlConnector.MySqlConnectionStringBuilder(ConnectionString)
            { Port = (uint)Proxy.Port, ConnectionTimeout = 3, Pooling = true }.ConnectionString,
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Proxy.Dispose();
    }
}
