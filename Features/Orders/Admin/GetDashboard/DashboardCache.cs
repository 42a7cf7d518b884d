using System.Collections.Concurrent;

namespace Mall.Features.Orders.Admin.GetDashboard;

/// <summary>What one day's orders add up to: its figures and its products' paid units and cents.</summary>
public sealed record DayTotals(DayFigures Figures, IReadOnlyDictionary<long, (long Units, long Cents)> Products);


/// <summary>
/// What some orders add up to: the orders created in one span by status, and the payments made in another (count, cents,
/// and per product units and cents). Slices of the same day add up.
/// </summary>
public sealed record Slice(IReadOnlyDictionary<string, long> CreatedByStatus, long PaidOrders, long PaidCents,
    IReadOnlyDictionary<long, (long Units, long Cents)> Products, long Refunds, long RefundedCents)
{
    public static readonly Slice Empty = new(new Dictionary<string, long>(), 0, 0, new Dictionary<long, (long, long)>(), 0, 0);

    public Slice Plus(Slice other) => new(
        CreatedByStatus.Concat(other.CreatedByStatus).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value)),
        PaidOrders + other.PaidOrders, PaidCents + other.PaidCents,
        Products.Concat(other.Products).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => (g.Sum(p => p.Value.Units), g.Sum(p => p.Value.Cents))),
        Refunds + other.Refunds, RefundedCents + other.RefundedCents);
}

/// <summary>The settled part of today: orders created before <paramref name="CreatedUpTo"/>, payments made before <paramref name="PaidUpTo"/>.</summary>
public sealed record SettledToday(string Zone, DateTime DayStart, DateTime CreatedUpTo, DateTime PaidUpTo, Slice Totals);

/// <summary>
/// What the dashboard reads once per instance because it can no longer change. Finished days: once a day has settled
/// (see <see cref="DashboardOptions.FinishedAfterMinutes"/>) its orders no longer move its figures. Today, an hour at a
/// time: the orders created before the last settled hour (paid or cancelled by then, for good) and the payments stamped
/// before the last hour that ended more than a few minutes ago (the longest a payment's transaction takes to commit),
/// so each request only reads the newest hour or two itself. Only what the dashboard still shows is kept.
/// </summary>
public sealed class DashboardCache
{
    private readonly ConcurrentDictionary<(string Zone, DateTime From), DayTotals> _days = new();
    private SettledToday? _today;

    public DayTotals? FindDay(string zone, DateTime from) => _days.GetValueOrDefault((zone, from));

    public void KeepDay(string zone, DayTotals day, DateTime oldestShown)
    {
        _days[(zone, day.Figures.From)] = day;
        foreach (var key in _days.Keys)
            if (key.Zone != zone || key.From < oldestShown) _days.TryRemove(key, out _);
    }

    /// <summary>Today's settled part so far, if it is of this zone's today.</summary>
    public SettledToday? FindToday(string zone, DateTime dayStart) =>
        Volatile.Read(ref _today) is { } today && today.Zone == zone && today.DayStart == dayStart ? today : null;

    // Racing requests may each extend it; every candidate is exact, so whichever is kept last is fine.
    public void KeepToday(SettledToday today) => Volatile.Write(ref _today, today);
}
