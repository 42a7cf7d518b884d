namespace Mall.Features.Seckill.ListActivities;

public sealed record Response(IReadOnlyList<ActivityView> Items, long ServerTimeMs);
