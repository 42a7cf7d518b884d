namespace Mall.Features.Orders;

/// <summary>The operators' dashboard (Orders:Dashboard).</summary>
public sealed class DashboardOptions
{
    /// <summary>The shop's time zone (IANA id): a dashboard day runs from midnight to midnight there.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>
    /// A day's figures are cached (per instance) once it ended this long ago. Not at midnight: an order placed just
    /// before it can still be paid or expire after it, and that moves its day's conversion and cancellations.
    /// </summary>
    public int FinishedAfterMinutes { get; set; } = 60;

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public bool IsValidZone()
    {
        try
        {
            Zone();
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return false;
        }
    }
}
