namespace Mall.Features.Orders.Admin.GetDashboard;

/// <param name="TimeZone">the shop's time zone (Orders:Dashboard:TimeZone): every day below runs midnight to midnight there</param>
/// <param name="Today">today so far, always read live</param>
/// <param name="Days">the 7 days before today, newest first</param>
public sealed record Response(string TimeZone, DateTime GeneratedAt, DayFigures Today, IReadOnlyList<DayFigures> Days, TopProducts TopProducts);

/// <summary>
/// One day in the shop's time zone. Created, cancelled and conversion follow the orders created that day (a funnel:
/// each of them is by now paid, cancelled or still unpaid); paid orders and paid GMV count the payments made that day.
/// </summary>
/// <param name="Date">the local date, yyyy-MM-dd</param>
/// <param name="From">the day's start (UTC)</param>
/// <param name="To">the next day's start (UTC)</param>
/// <param name="OrdersCreated">orders placed that day (both kinds)</param>
/// <param name="CreatedThenPaid">of those, the ones paid by now (whatever happened after: shipped, refunded, …)</param>
/// <param name="Conversion">createdThenPaid / ordersCreated, 0..1 (0 when nothing was created)</param>
/// <param name="Cancelled">of the orders placed that day, the ones cancelled (by the shopper or unpaid past their deadline)</param>
/// <param name="OrdersPaid">payments received that day</param>
/// <param name="PaidCents">their order totals (GMV, cents)</param>
/// <param name="Refunds">after-sale refunds the provider confirmed that day</param>
/// <param name="RefundedCents">the money they gave back (cents)</param>
public sealed record DayFigures(string Date, DateTime From, DateTime To, long OrdersCreated, long CreatedThenPaid, double Conversion,
    long Cancelled, long OrdersPaid, long PaidCents, long Refunds, long RefundedCents);

/// <summary>The products of the orders paid from <paramref name="From"/> (7 days ago) until now, top 10 each way.</summary>
public sealed record TopProducts(DateTime From, DateTime To, IReadOnlyList<TopProduct> ByUnits, IReadOnlyList<TopProduct> ByGmv);

/// <param name="PaidUnits">units in orders paid in the window</param>
/// <param name="PaidCents">those units at the price paid (cents)</param>
public sealed record TopProduct(long ProductId, string Title, long PaidUnits, long PaidCents);
