namespace Mall.Infrastructure;

/// <summary>
/// When a recurring chore (a sweep, a rotation) is next due, for chores done by whichever caller first sees them due:
/// one caller per period wins (a compare-and-swap moves the due time on), every other caller pays one read. Times are
/// in the owner's unit (milliseconds, ticks), the same for every call.
/// </summary>
public sealed class DueTime(long first)
{
    private long _due = first;

    /// <summary>True for exactly one caller once <paramref name="now"/> has reached the due time, which then moves to
    /// <paramref name="now"/> + <paramref name="period"/>.</summary>
    public bool TryClaim(long now, long period)
    {
        var due = Interlocked.Read(ref _due);
        return now >= due && Interlocked.CompareExchange(ref _due, now + period, due) == due;
    }
}
