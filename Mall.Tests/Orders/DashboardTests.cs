using System.Net;
using Dapper;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mall.Tests.Orders;

/// <summary>A frozen clock (a day boundary cannot pass during a test) and no expiry sweep (the seeded unpaid orders stay).</summary>
public sealed class DashboardApp() : MallApp(TestHost.FakeClock, TestHost.ManualOrderExpiry);

public sealed record DashboardDay(string Date, DateTime From, DateTime To, long OrdersCreated, long CreatedThenPaid, double Conversion,
    long Cancelled, long OrdersPaid, long PaidCents, long Refunds, long RefundedCents);
public sealed record DashboardProduct(long ProductId, string Title, long PaidUnits, long PaidCents);
public sealed record DashboardTop(DateTime From, DateTime To, DashboardProduct[] ByUnits, DashboardProduct[] ByGmv);
public sealed record Dashboard(string TimeZone, DateTime GeneratedAt, DashboardDay Today, DashboardDay[] Days, DashboardTop TopProducts);

/// <summary>Orders written straight into the database at chosen times (the dashboard only reads them).</summary>
internal static class DashboardSeed
{
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>The UTC instant today starts in Shanghai (UTC+8 all year), by the app's clock.</summary>
    public static DateTime TodayStart(MallApp app)
    {
        var now = app.FakeClock!.GetUtcNow().UtcDateTime;
        return DateTime.SpecifyKind((now + Shanghai).Date - Shanghai, DateTimeKind.Utc);
    }

    public static async Task OrderAsync(MallApp app, long userId, DateTime createdAt, string status, DateTime? paidAt = null,
        params (TestSku Sku, int Quantity)[] items)
    {
        await using var db = await app.OpenDbAsync();
        var orderId = await db.ExecuteScalarAsync<long>("""
            INSERT INTO orders (order_no, user_id, kind, status, total_cents, created_at, updated_at, expires_at, paid_at, cancelled_at)
            VALUES (@OrderNo, @UserId, 'normal', @Status, @Total, @CreatedAt, @CreatedAt, @ExpiresAt, @PaidAt, @CancelledAt);
            SELECT LAST_INSERT_ID();
            """, new
        {
            OrderNo = "D" + Guid.NewGuid().ToString("N")[..20], UserId = userId, Status = status,
            Total = items.Sum(i => i.Sku.PriceCents * i.Quantity), CreatedAt = createdAt, ExpiresAt = createdAt.AddMinutes(15), PaidAt = paidAt,
            CancelledAt = status == "Cancelled" ? createdAt.AddMinutes(15) : (DateTime?)null,
        });
        foreach (var (sku, quantity) in items)
            await db.ExecuteAsync("""
                INSERT INTO order_items (order_id, sku_id, product_id, title, price_cents, quantity)
                VALUES (@OrderId, @SkuId, @ProductId, 'snapshot title', @Price, @Quantity)
                """, new { OrderId = orderId, sku.SkuId, sku.ProductId, Price = sku.PriceCents, Quantity = quantity });
    }

    public static async Task<Dashboard> ReadAsync(Shopper admin) =>
        await (await admin.Client.GetAsync("/api/v1/admin/dashboard")).ReadAsync<Dashboard>();
}

public sealed class DashboardTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task Figures_follow_the_shops_days_across_the_time_zone_boundary()
    {
        var t0 = DashboardSeed.TodayStart(app);
        var a = (await app.ProductAsync(stock: 1000, priceCents: 1000, title: "Alpha"))[0];
        var b = (await app.ProductAsync(stock: 1000, priceCents: 5000, title: "Beta"))[0];
        var c = (await app.ProductAsync(stock: 1000, priceCents: 200, title: "Gamma"))[0];
        var user = (await app.FastShopperAsync()).UserId;
        var day = TimeSpan.FromDays(1);

        // Today: placed exactly at local midnight (16:00 UTC the day before), paid a minute later; one unpaid; one cancelled.
        await DashboardSeed.OrderAsync(app, user, t0, "Paid", t0.AddMinutes(1), (a, 2));
        await DashboardSeed.OrderAsync(app, user, t0.AddHours(1), "PendingPayment", null, (a, 1));
        await DashboardSeed.OrderAsync(app, user, t0.AddHours(2), "Cancelled", null, (b, 1));
        // Yesterday: placed ten minutes before midnight and paid after it (created yesterday, paid today); cancelled a
        // millisecond before midnight; placed at yesterday's very first instant and completed.
        await DashboardSeed.OrderAsync(app, user, t0.AddMinutes(-10), "Shipped", t0.AddMinutes(5), (b, 1));
        await DashboardSeed.OrderAsync(app, user, t0.AddMilliseconds(-1), "Cancelled", null, (c, 1));
        await DashboardSeed.OrderAsync(app, user, t0 - day, "Completed", t0 - day + TimeSpan.FromMinutes(1), (a, 1), (c, 3));
        // Two days ago: one paid and later refunded (still a paid order of its day), one left unpaid.
        await DashboardSeed.OrderAsync(app, user, t0 - 2 * day + TimeSpan.FromHours(1), "Refunded", t0 - 2 * day + TimeSpan.FromHours(2), (c, 10));
        await DashboardSeed.OrderAsync(app, user, t0 - 2 * day + TimeSpan.FromHours(3), "PendingPayment", null, (b, 3));
        // Placed before the window, paid on its first day: a payment of that day, not an order created in the window.
        await DashboardSeed.OrderAsync(app, user, t0 - 7 * day - TimeSpan.FromHours(1), "Paid", t0 - 7 * day + TimeSpan.FromHours(1), (b, 1));
        // Entirely before the window: nowhere.
        await DashboardSeed.OrderAsync(app, user, t0 - 8 * day + TimeSpan.FromHours(1), "Completed", t0 - 8 * day + TimeSpan.FromHours(2), (a, 100));

        var board = await DashboardSeed.ReadAsync(await app.AdminAsync());

        Assert.Equal("Asia/Shanghai", board.TimeZone);
        var localToday = (app.FakeClock!.GetUtcNow().UtcDateTime + DashboardSeed.Shanghai).Date;
        Assert.Equal(localToday.ToString("yyyy-MM-dd"), board.Today.Date);
        Assert.Equal((t0, t0 + day), (board.Today.From, board.Today.To));
        Assert.Equal(new DashboardDay(board.Today.Date, t0, t0 + day, 3, 1, 0.3333, 1, 2, 2 * 1000 + 5000, 0, 0), board.Today);

        Assert.Equal(7, board.Days.Length);
        for (var back = 1; back <= 7; back++)
        {
            Assert.Equal(localToday.AddDays(-back).ToString("yyyy-MM-dd"), board.Days[back - 1].Date);
            Assert.Equal(t0 - back * day, board.Days[back - 1].From);
            Assert.Equal(t0 - (back - 1) * day, board.Days[back - 1].To);
        }
        Assert.Equal((3L, 2L, 0.6667, 1L, 1L, 1000L + 3 * 200), Figures(board.Days[0]));
        Assert.Equal((2L, 1L, 0.5, 0L, 1L, 10 * 200L), Figures(board.Days[1]));
        foreach (var quiet in board.Days[2..6]) Assert.Equal((0L, 0L, 0.0, 0L, 0L, 0L), Figures(quiet));
        Assert.Equal((0L, 0L, 0.0, 0L, 1L, 5000L), Figures(board.Days[6]));

        Assert.Equal((t0 - 7 * day, t0 + day), (board.TopProducts.From, board.TopProducts.To));
        Assert.Equal([(c.ProductId, "Gamma", 13L, 2600L), (a.ProductId, "Alpha", 3L, 3000L), (b.ProductId, "Beta", 2L, 10000L)],
            board.TopProducts.ByUnits.Select(p => (p.ProductId, p.Title, p.PaidUnits, p.PaidCents)));
        Assert.Equal([b.ProductId, a.ProductId, c.ProductId], board.TopProducts.ByGmv.Select(p => p.ProductId));
    }

    [Fact]
    public async Task Shoppers_are_refused()
    {
        var shopper = await app.FastShopperAsync();
        await (await shopper.Client.GetAsync("/api/v1/admin/dashboard")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    private static (long, long, double, long, long, long) Figures(DashboardDay d) =>
        (d.OrdersCreated, d.CreatedThenPaid, d.Conversion, d.Cancelled, d.OrdersPaid, d.PaidCents);
}

public sealed class DashboardCacheTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task Finished_days_are_cached_but_today_is_always_live()
    {
        var t0 = DashboardSeed.TodayStart(app);
        var sku = (await app.ProductAsync(stock: 1000, priceCents: 700, title: "Delta"))[0];
        var user = (await app.FastShopperAsync()).UserId;
        var admin = await app.AdminAsync();
        var twoDaysAgo = t0 - TimeSpan.FromDays(2);
        await DashboardSeed.OrderAsync(app, user, twoDaysAgo.AddHours(5), "Paid", twoDaysAgo.AddHours(6), (sku, 1));

        var first = await DashboardSeed.ReadAsync(admin);
        Assert.Equal((1L, 700L), (first.Days[1].OrdersCreated, first.Days[1].PaidCents));
        Assert.Equal(0, first.Today.OrdersCreated);

        // Today's new orders show at once, on the same instance that has just cached the finished days.
        var now = app.FakeClock!.GetUtcNow().UtcDateTime;
        await DashboardSeed.OrderAsync(app, user, now, "Paid", now, (sku, 3));
        await DashboardSeed.OrderAsync(app, user, now, "PendingPayment", null, (sku, 1));
        // A row written into a finished day (only a hand edit can do that) is not read again: the day is cached.
        await DashboardSeed.OrderAsync(app, user, twoDaysAgo.AddHours(7), "Paid", twoDaysAgo.AddHours(8), (sku, 1));

        var second = await DashboardSeed.ReadAsync(admin);
        Assert.Equal((2L, 1L, 0.5, 1L, 2100L), (second.Today.OrdersCreated, second.Today.CreatedThenPaid, second.Today.Conversion,
            second.Today.OrdersPaid, second.Today.PaidCents));
        Assert.Equal(first.Days, second.Days);
        var delta = Assert.Single(second.TopProducts.ByUnits);
        Assert.Equal((sku.ProductId, 4L, 2800L), (delta.ProductId, delta.PaidUnits, delta.PaidCents));
    }
}

/// <summary>Refunds count on the day the provider confirmed them (a shop of its own: no other test's refunds).</summary>
public sealed class DashboardRefundTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task Confirmed_refunds_count_on_the_day_they_succeeded_and_pending_ones_not_at_all()
    {
        var t0 = DashboardSeed.TodayStart(app);
        var now = app.FakeClock!.GetUtcNow().UtcDateTime;
        await using (var db = await app.OpenDbAsync())
        {
            var refunds = new (long AfterSaleId, long Cents, string Status, DateTime CreatedAt, DateTime? SucceededAt)[]
            {
                (1, 1_500, "Succeeded", t0.AddHours(-3), t0.AddHours(-3).AddSeconds(5)), // yesterday evening, Shanghai time
                (2, 2_000, "Succeeded", t0.AddHours(-1), t0.AddMinutes(1)),              // asked yesterday, confirmed today
                (3, 9_900, "Processing", now, null),                                     // not confirmed: not counted
            };
            foreach (var r in refunds)
                await db.ExecuteAsync("""
                    INSERT INTO refunds (refund_no, after_sale_id, order_id, payment_no, provider, amount_cents, payment_cents, status, created_at, updated_at, succeeded_at)
                    VALUES (@RefundNo, @AfterSaleId, @AfterSaleId, 'P1', 'wechatpay', @Cents, 20000, @Status, @CreatedAt, @CreatedAt, @SucceededAt)
                    """, new { RefundNo = $"RF{Guid.NewGuid():N}"[..24], r.AfterSaleId, r.Cents, r.Status, r.CreatedAt, r.SucceededAt });
        }

        var dashboard = await DashboardSeed.ReadAsync(await app.AdminAsync());
        Assert.Equal((1L, 2_000L), (dashboard.Today.Refunds, dashboard.Today.RefundedCents));
        Assert.Equal((1L, 1_500L), (dashboard.Days[0].Refunds, dashboard.Days[0].RefundedCents));
        Assert.All(dashboard.Days.Skip(1), d => Assert.Equal(0L, d.RefundedCents));
    }
}

public sealed class DashboardOptionsTests
{
    private sealed class UnknownZoneApp() : MallApp(TestHostOption.Set(("Orders:Dashboard:TimeZone", "Mars/Olympus_Mons")));

    [Fact]
    public async Task An_unknown_time_zone_stops_the_start_naming_the_setting()
    {
        var app = new UnknownZoneApp();
        try
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(app.InitializeAsync);
            Assert.Contains("Orders:Dashboard:TimeZone", failure.Message);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }
}
