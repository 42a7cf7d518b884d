namespace Mall.Features.Seckill.Admin.GetActivityDetail;

/// <summary>The stock invariant's figures (as GET …/reconcile answers them): drift must be 0 once the pipeline is quiet.</summary>
public sealed record Figures(long InitialStock, long RedisRemaining, long PendingReservations, long LiveOrders, long ReleasedToSku, long Drift);

public sealed record Response(AdminActivity Activity, Figures Reconciliation);
