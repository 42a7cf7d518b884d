namespace Mall.Features.Auth.GetPointsHistory;

public sealed record Entry(long OrderId, string Reason, long Points, DateTime CreatedAt);
