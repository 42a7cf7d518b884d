namespace Mall.Features.Seckill.Admin.ReconcileActivity;

public sealed record Response(long InitialStock, long RedisRemaining, long PendingReservations, long LiveOrders, long ReleasedToSku, long Drift);
