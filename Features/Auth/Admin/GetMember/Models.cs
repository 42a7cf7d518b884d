using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Auth.Admin.GetMember;

public sealed record RecentOrder(string OrderNo, string Kind, string Status, long TotalCents, DateTime CreatedAt);

public sealed record PointsEntry(string? OrderNo, string Reason, long Points, DateTime CreatedAt);

/// <param name="OrderCount">All the member's orders, of every status.</param>
/// <param name="RecentOrders">The newest 10.</param>
/// <param name="RecentPoints">The newest 20 ledger entries.</param>
public sealed record Response(long Id, string Account, string Nickname, string Role, bool Disabled, DateTime? DisabledAt, DateTime CreatedAt,
    long PointsBalance, long OrderCount, IReadOnlyList<RecentOrder> RecentOrders, IReadOnlyList<PointsEntry> RecentPoints);
