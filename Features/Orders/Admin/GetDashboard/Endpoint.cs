using System.Globalization;
using Dapper;
using FastEndpoints;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.GetDashboard;

public sealed class Endpoint(MySqlDataSource db, DashboardOptions options, DashboardCache cache, TimeProvider clock)
    : EndpointWithoutRequest<Response>
{
    private const int ShownDays = 7;
    private const int TopCount = 10;

    /// <summary>How long after its paid_at stamp a payment is surely committed (its transaction is short).</summary>
    private static readonly TimeSpan PaymentSettles = TimeSpan.FromMinutes(5);

    // Statuses an order only reaches by being paid: the conversion counts them, whatever happened after the payment.
    private static readonly string[] PaidStatuses =
        [OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Completed, OrderStatus.AfterSale, OrderStatus.Refunding, OrderStatus.Refunded];

    // One day's orders in three reads, each a range of one index and nothing else (EXPLAIN: "Using index"):
    // ix_orders_status_created for the funnel (every status listed, so the range covers all orders of the day),
    // ix_orders_paid (paid_at, total_cents) for the payments, and that plus ix_order_items_order_product for the products.
    private const string FunnelSql = """
        SELECT status AS Status, COUNT(*) AS Orders FROM orders
        WHERE status IN @Statuses AND created_at >= @CreatedFrom AND created_at < @CreatedTo
        GROUP BY status;

        SELECT COUNT(*) AS Orders, CAST(COALESCE(SUM(total_cents), 0) AS SIGNED) AS Cents FROM orders
        WHERE paid_at >= @PaidFrom AND paid_at < @PaidTo;

        SELECT COUNT(*) AS Refunds, CAST(COALESCE(SUM(amount_cents), 0) AS SIGNED) AS Cents FROM refunds
        WHERE succeeded_at >= @PaidFrom AND succeeded_at < @PaidTo;
        """;

    private const string ProductsSql = """
        SELECT i.product_id AS ProductId, CAST(SUM(i.quantity) AS SIGNED) AS Units,
               CAST(SUM(i.price_cents * i.quantity) AS SIGNED) AS Cents
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.paid_at >= @PaidFrom AND o.paid_at < @PaidTo
        GROUP BY i.product_id;
        """;

    private const string TitlesSql = "SELECT id AS Id, title AS Title FROM products WHERE id IN @Ids";

    public override void Configure()
    {
        Get("dashboard");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Order dashboard (admin)";
            s.Description = "Today and each of the 7 days before it, midnight to midnight in the shop's time zone " +
                            "(Orders:Dashboard:TimeZone, Asia/Shanghai by default): orders created, how many of them were paid " +
                            "(conversion) or cancelled, payments received and paid GMV in cents, after-sale refunds confirmed and the money they gave back; and the top 10 products by " +
                            "paid units and by paid GMV over those days. Today is always live; finished days, and today's hours " +
                            "that have settled, are added up once by each instance, as they no longer change.";
            s.ResponseExamples[200] = Example;
            s.Responses[200] = "The figures.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var zone = options.Zone();
        var now = clock.GetUtcNow().UtcDateTime;
        var today = TimeZoneInfo.ConvertTimeFromUtc(now, zone).Date;
        var oldest = StartOf(today.AddDays(-ShownDays), zone);
        var settled = TimeSpan.FromMinutes(options.FinishedAfterMinutes);

        await using var connection = await db.OpenConnectionAsync(ct);
        var days = new List<DayTotals>(ShownDays + 1);
        for (var back = 0; back <= ShownDays; back++)
        {
            var date = today.AddDays(-back);
            var (from, to) = (StartOf(date, zone), StartOf(date.AddDays(1), zone));
            if (back == 0)
            {
                days.Add(await ReadTodayAsync(connection, zone.Id, date, from, to, now, ct));
                continue;
            }
            var finished = to + settled <= now;
            var day = finished ? cache.FindDay(zone.Id, from) : null;
            if (day is null)
            {
                day = await ReadDayAsync(connection, date, from, to, ct);
                if (finished) cache.KeepDay(zone.Id, day, oldest);
            }
            days.Add(day);
        }

        var products = Merge(days.Select(d => d.Products)).Select(p => (ProductId: p.Key, p.Value.Units, p.Value.Cents)).ToList();
        var byUnits = products.OrderByDescending(p => p.Units).ThenByDescending(p => p.Cents).ThenBy(p => p.ProductId).Take(TopCount).ToList();
        var byGmv = products.OrderByDescending(p => p.Cents).ThenByDescending(p => p.Units).ThenBy(p => p.ProductId).Take(TopCount).ToList();
        var ids = byUnits.Concat(byGmv).Select(p => p.ProductId).Distinct().ToArray();
        var titles = ids.Length == 0
            ? new Dictionary<long, string>()
            : (await connection.QueryAsync<(long Id, string Title)>(new CommandDefinition(TitlesSql, new { Ids = ids }, cancellationToken: ct)))
                .ToDictionary(t => t.Id, t => t.Title);
        TopProduct Top((long ProductId, long Units, long Cents) p) => new(p.ProductId, titles.GetValueOrDefault(p.ProductId, ""), p.Units, p.Cents);

        await Send.OkAsync(new Response(zone.Id, now, days[0].Figures, days.Skip(1).Select(d => d.Figures).ToList(),
            new TopProducts(oldest, days[0].Figures.To, byUnits.Select(Top).ToList(), byGmv.Select(Top).ToList())), ct);
    }

    /// <summary>
    /// Today, live: the settled hours from the cache (extended by the hours settled since the last request), plus the
    /// orders created and the payments made after them, read now.
    /// </summary>
    private async Task<DayTotals> ReadTodayAsync(MySqlConnection connection, string zone, DateTime date, DateTime from, DateTime to,
        DateTime now, CancellationToken ct)
    {
        DateTime HourBefore(TimeSpan margin) =>
            new(Math.Max(from.Ticks, (now - margin).Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour), DateTimeKind.Utc);
        var createdUpTo = HourBefore(TimeSpan.FromMinutes(options.FinishedAfterMinutes));
        var paidUpTo = HourBefore(PaymentSettles);

        var kept = cache.FindToday(zone, from) ?? new SettledToday(zone, from, from, from, Slice.Empty);
        if (kept.CreatedUpTo < createdUpTo || kept.PaidUpTo < paidUpTo)
        {
            var added = await ReadAsync(connection, kept.CreatedUpTo, Later(kept.CreatedUpTo, createdUpTo), kept.PaidUpTo,
                Later(kept.PaidUpTo, paidUpTo), ct);
            kept = new SettledToday(zone, from, Later(kept.CreatedUpTo, createdUpTo), Later(kept.PaidUpTo, paidUpTo), kept.Totals.Plus(added));
            cache.KeepToday(kept);
        }
        var live = await ReadAsync(connection, kept.CreatedUpTo, to, kept.PaidUpTo, to, ct);
        return Totals(date, from, to, kept.Totals.Plus(live));
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    private static async Task<DayTotals> ReadDayAsync(MySqlConnection connection, DateTime date, DateTime from, DateTime to, CancellationToken ct) =>
        Totals(date, from, to, await ReadAsync(connection, from, to, from, to, ct));

    /// <summary>The orders created in [createdFrom, createdTo) and the payments made in [paidFrom, paidTo); an empty span reads nothing.</summary>
    private static async Task<Slice> ReadAsync(MySqlConnection connection, DateTime createdFrom, DateTime createdTo, DateTime paidFrom,
        DateTime paidTo, CancellationToken ct)
    {
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(FunnelSql + ProductsSql,
            new { Statuses = OrderStatus.All, CreatedFrom = createdFrom, CreatedTo = createdTo, PaidFrom = paidFrom, PaidTo = paidTo },
            cancellationToken: ct));
        var funnel = (await results.ReadAsync<(string Status, long Orders)>()).ToDictionary(f => f.Status, f => f.Orders);
        var paid = await results.ReadSingleAsync<(long Orders, long Cents)>();
        var refunds = await results.ReadSingleAsync<(long Refunds, long Cents)>();
        var products = (await results.ReadAsync<(long ProductId, long Units, long Cents)>()).ToDictionary(p => p.ProductId, p => (p.Units, p.Cents));
        return new Slice(funnel, paid.Orders, paid.Cents, products, refunds.Refunds, refunds.Cents);
    }

    private static DayTotals Totals(DateTime date, DateTime from, DateTime to, Slice slice)
    {
        var created = slice.CreatedByStatus.Values.Sum();
        var createdThenPaid = slice.CreatedByStatus.Where(f => PaidStatuses.Contains(f.Key)).Sum(f => f.Value);
        var cancelled = slice.CreatedByStatus.GetValueOrDefault(OrderStatus.Cancelled);
        var figures = new DayFigures(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), from, to, created, createdThenPaid,
            created == 0 ? 0 : Math.Round((double)createdThenPaid / created, 4), cancelled, slice.PaidOrders, slice.PaidCents,
            slice.Refunds, slice.RefundedCents);
        return new DayTotals(figures, slice.Products);
    }

    private static Dictionary<long, (long Units, long Cents)> Merge(IEnumerable<IReadOnlyDictionary<long, (long Units, long Cents)>> parts) =>
        parts.SelectMany(p => p)
            .GroupBy(p => p.Key, p => p.Value)
            .ToDictionary(g => g.Key, g => (g.Sum(v => v.Units), g.Sum(v => v.Cents)));

    /// <summary>The UTC instant a local date starts; where midnight does not exist (a DST jump) the first minute that does.</summary>
    private static DateTime StartOf(DateTime localDate, TimeZoneInfo zone)
    {
        var start = DateTime.SpecifyKind(localDate.Date, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(start)) start = start.AddMinutes(1);
        return TimeZoneInfo.ConvertTimeToUtc(start, zone);
    }

    private static readonly Response Example = new("Asia/Shanghai", new DateTime(2026, 12, 7, 8, 0, 0, DateTimeKind.Utc),
        new DayFigures("2026-12-07", new DateTime(2026, 12, 6, 16, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 7, 16, 0, 0, DateTimeKind.Utc),
            1_250, 812, 0.6496, 301, 798, 31_942_000, 6, 129_800),
        [
            new DayFigures("2026-12-06", new DateTime(2026, 12, 5, 16, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 6, 16, 0, 0, DateTimeKind.Utc),
                33_410, 21_880, 0.6549, 9_950, 21_902, 871_344_500, 212, 5_230_900),
        ],
        new TopProducts(new DateTime(2026, 11, 29, 16, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 7, 16, 0, 0, DateTimeKind.Utc),
            [new TopProduct(12, "Phone X5 256G", 4_310, 1_292_569_000)], [new TopProduct(12, "Phone X5 256G", 4_310, 1_292_569_000)]));
}
