using System.Collections.Concurrent;

namespace Mall.Features.Orders.Admin.GetDashboard;

/// <summary>What one day's orders add up to: its figures and its products' paid units and cents.</summary>
public sealed record DayTotals(DayFigures Figures, IReadOnlyDictionary<long, (long Units, long Cents)> Products);

/// <summary>Today's products from the payments made before <paramref name="UpTo"/> (a settled part of the day).</summary>
public sealed record SettledProducts(string Zone, DateTime DayStart, DateTime UpTo, IReadOnlyDictionary<long, (long Units, long Cents)> Products);

/// <summary>
/// What the dashboard reads once per instance because it can no longer change. Finished days: once a day has settled
/// (see <see cref="DashboardOptions.FinishedAfterMinutes"/>) its orders no longer move its figures. Today's products:
/// the payments stamped more than a few minutes ago (the longest a payment's transaction takes to commit), added up an
/// hour at a time, so each request only sums the items of the last hour or so of payments itself. Only what the dashboard
/// still shows is kept.
/// </summary>
public sealed class DashboardCache
{
    private readonly ConcurrentDictionary<(string Zone, DateTime From), DayTotals> _days = new();
    private SettledProducts? _today;

    public DayTotals? FindDay(string zone, DateTime from) => _days.GetValueOrDefault((zone, from));

    public void KeepDay(string zone, DayTotals day, DateTime oldestShown)
    {
        _days[(zone, day.Figures.From)] = day;
        foreach (var key in _days.Keys)
            if (key.Zone != zone || key.From < oldestShown) _days.TryRemove(key, out _);
    }

    /// <summary>Today's settled products so far, if they are of this zone's today.</summary>
    public SettledProducts? SettledToday(string zone, DateTime dayStart) =>
        Volatile.Read(ref _today) is { } today && today.Zone == zone && today.DayStart == dayStart ? today : null;

    // Racing requests may each extend it; every candidate is exact, so whichever is kept last is fine.
    public void KeepToday(SettledProducts today) => Volatile.Write(ref _today, today);
}
