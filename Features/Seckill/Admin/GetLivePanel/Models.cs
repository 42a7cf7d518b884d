using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.Admin.GetLivePanel;

public sealed class Request
{
    /// <summary>Activities that ended or were cancelled at most this long ago are still shown.</summary>
    public int RecentMinutes { get; init; } = 60;
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.RecentMinutes).InclusiveBetween(1, 1440);
}

/// <param name="Attempts">Attempts by result (accepted, sold_out, sold_out_local, cancelled, …: the labels of
/// mall_seckill_attempts_total), summed over every instance; each instance adds its counts every half second.</param>
/// <param name="Accepted">Reservations accepted: written + backlog.</param>
/// <param name="Written">Reservations written as orders in MySQL (whatever became of the order since).</param>
/// <param name="Backlog">Accepted reservations without an order yet (accepted − written).</param>
/// <param name="Drift">The stock invariant's drift (must be 0 once the pipeline is quiet); null while more reservations
/// are queued than Seckill:ReconcileMaxQueued (reading them all would hold Redis during the burst; backlog is then the log's length).</param>
public sealed record PanelActivity(long Id, string Title, [ValuesOf(typeof(AdminActivityStatus))] string Status, int Stock, long Remaining,
    Dictionary<string, long> Attempts, long Accepted, long Written, long Backlog, long? Drift);

public sealed record Response(IReadOnlyList<PanelActivity> Activities, long ServerTimeMs);
