using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Mall.Infrastructure.Auth;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.AfterSales;

public sealed record AfterSaleBody(string AfterSaleNo, string OrderNo, string Kind, string Status, long AmountCents, AfterSaleRefundBody? Refund,
    string? ReviewNote, List<AfterSaleItemBody> Items, List<string> PhotoUrls, long? UserId);

public sealed record AfterSaleItemBody(long SkuId, long ProductId, string Title, int Quantity);

public sealed record AfterSaleRefundBody(string RefundNo, string Status, long AmountCents);

public sealed record OrderRefundsBody(string OrderNo, string Status, long TotalCents, long RefundedCents, List<OrderRefundBody> Refunds, string? OpenAfterSaleNo);

public sealed record OrderRefundBody(string RefundNo, string AfterSaleNo, long AmountCents, string Status);

public sealed record AfterSalePageBody(List<AfterSaleBody> Items, int Page, int PageSize, long Total);

/// <summary>Arrangement and assertion helpers for the after-sale tests (an app with the payments sandbox on).</summary>
public static class AfterSalesKit
{
    /// <summary>An order paid for real: created, paid at the sandbox, its notification settled (points granted, stock sold).</summary>
    public static async Task<(string OrderNo, string PaymentNo)> PaidOrderAsync(this MallApp app, Shopper shopper, long totalCents = 10_000,
        string provider = "wechatpay", string channel = "native", int quantity = 1)
    {
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents, quantity: quantity);
        var payment = await app.PayAsync(shopper, orderNo, provider, channel);
        await app.ConfirmAtSandboxAsync(payment.CodeUrl ?? payment.RedirectUrl!);
        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid", "the order is paid");
        return (orderNo, payment.PaymentNo);
    }

    /// <summary>
    /// The seeded admin with a token from the app's own issuer (like FastShopperAsync): signing in through the API is
    /// tested elsewhere, and these tests should not depend on the sign-in throttle's Redis calls.
    /// </summary>
    public static async Task<Shopper> FastAdminAsync(this MallApp app)
    {
        await using var db = await app.OpenDbAsync();
        var id = await db.ExecuteScalarAsync<long>("SELECT id FROM users WHERE account = 'admin@mall.local'");
        var token = app.Service<AccessTokenIssuer>().Issue(id, Roles.Admin, Guid.NewGuid().ToString("N"));
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return new Shopper(id, "admin@mall.local", "", token.Token, "", client);
    }

    public static async Task ShipAsync(this MallApp app, string orderNo)
    {
        var admin = await app.FastAdminAsync();
        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/ship", new { carrier = "顺丰速运", trackingNo = "SF" + orderNo[^12..] }))
            .EnsureSuccessStatusCode();
    }

    public static Task<HttpResponseMessage> AskAsync(this Shopper shopper, string orderNo, long amountCents, object[]? items = null,
        string reason = "不想要了 / changed my mind", string[]? photoUrls = null) =>
        shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/after-sales", new { reason, amountCents, items, photoUrls });

    public static async Task<AfterSaleBody> AfterSaleAsync(this Shopper shopper, string afterSaleNo) =>
        await (await shopper.Client.GetAsync($"/api/v1/after-sales/{afterSaleNo}")).ReadAsync<AfterSaleBody>();

    public static async Task<OrderRefundsBody> OrderAsync(this Shopper shopper, string orderNo) =>
        await (await shopper.Client.GetAsync($"/api/v1/orders/{orderNo}")).ReadAsync<OrderRefundsBody>();

    public static Task RefundedAsync(this Shopper shopper, string afterSaleNo) =>
        Http.EventuallyAsync(async () => (await shopper.AfterSaleAsync(afterSaleNo)).Status == "Refunded", TimeSpan.FromSeconds(20),
            $"after-sale {afterSaleNo} is refunded");

    /// <summary>Everything a refund may change, to compare before and after something that must change nothing.</summary>
    public static async Task<MoneyState> MoneyAsync(this MallApp app, string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        return await db.QuerySingleAsync<MoneyState>("""
            SELECT o.status AS OrderStatus, u.points AS Points,
                   (SELECT CAST(COALESCE(SUM(r.amount_cents), 0) AS SIGNED) FROM refunds r WHERE r.order_id = o.id AND r.status = 'Succeeded') AS RefundedCents,
                   (SELECT COUNT(*) FROM refunds r WHERE r.order_id = o.id) AS Refunds,
                   (SELECT CAST(SUM(s.sold) AS SIGNED) FROM skus s JOIN order_items i ON i.sku_id = s.id WHERE i.order_id = o.id) AS Sold,
                   (SELECT COUNT(*) FROM points_ledger l WHERE l.order_id = o.id) AS LedgerRows,
                   (SELECT CAST(COALESCE(SUM(l.points), 0) AS SIGNED) FROM points_ledger l WHERE l.order_id = o.id) AS LedgerPoints,
                   (SELECT COUNT(*) FROM refund_stock_returns x JOIN refunds r ON r.id = x.refund_id WHERE r.order_id = o.id) AS StockReturns
            FROM orders o JOIN users u ON u.id = o.user_id WHERE o.order_no = @OrderNo
            """, new { OrderNo = orderNo });
    }

    public static async Task<long> SkuOfAsync(this MallApp app, string orderNo)
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>(
            "SELECT i.sku_id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.order_no = @OrderNo LIMIT 1", new { OrderNo = orderNo });
    }

    public static async Task<string> CodeAsync(this HttpResponseMessage response, HttpStatusCode status) =>
        (await response.ShouldBeProblemAsync(status)).GetProperty("code").GetString()!;
}

public sealed record MoneyState(string OrderStatus, long Points, long RefundedCents, long Refunds, long Sold, long LedgerRows, long LedgerPoints,
    long StockReturns);
