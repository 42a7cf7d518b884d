using System.Collections.Concurrent;

namespace Mall.Features.Orders.Admin.GetDashboard;

/// <summary>What one day's orders add up to: its figures and its products' paid units and cents.</summary>
public sealed record DayTotals(DayFigures Figures, IReadOnlyDictionary<long, (long Units, long Cents)> Products);

/// <summary>
/// Finished days, per instance: once a day has settled (see <see cref="DashboardOptions.FinishedAfterMinutes"/>) its
/// orders no longer change its figures, so each instance reads it once. Only the days the dashboard still shows are kept.
/// </summary>
public sealed class FinishedDays
{
    private readonly ConcurrentDictionary<(string Zone, DateTime From), DayTotals> _days = new();

    public DayTotals? Find(string zone, DateTime from) => _days.GetValueOrDefault((zone, from));

    public void Keep(string zone, DayTotals day, DateTime oldestShown)
    {
        _days[(zone, day.Figures.From)] = day;
        foreach (var key in _days.Keys)
            if (key.Zone != zone || key.From < oldestShown) _days.TryRemove(key, out _);
    }
}
