using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Auth.GetPointsHistory;

/// <param name="Reason">A stable code the app words in the shopper's language (never shown as it is).</param>
/// <param name="OrderNo">The order the points came with (empty if it is gone).</param>
public sealed record Entry(long OrderId, [ValuesOf(typeof(PointsReasons))] string Reason, long Points, DateTime CreatedAt, string OrderNo = "");

/// <summary>Why points were granted or taken: the values of <c>points_ledger.reason</c>.</summary>
public static class PointsReasons
{
    /// <summary>Granted when the order was paid: one point per whole yuan.</summary>
    public const string Paid = "paid";
    /// <summary>Taken back when (part of) the order was refunded.</summary>
    public const string Refund = "refund";
}
