using System.Collections.Concurrent;

namespace Mall.Features.Seckill.Recovery;

/// <summary>
/// The reservations this instance accepted and has not yet written, each with the Redis process (run id) that accepted
/// it: what its channel, its writer's batch or its recovery may still hold. After a failover that forgot the log's newest
/// entries these are the only copy of the ones not yet written, so the repair counts them (and puts them back in the log).
/// One add per accepted attempt and one remove once the order is committed (<see cref="Written"/>); a reservation another
/// instance's recovery wrote is dropped after ten grace periods (the repair checks MySQL anyway, so keeping it longer
/// costs only memory).
/// </summary>
public sealed class InFlightReservations(SeckillOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(long ActivityId, string EntryId), (Reservation Reservation, string Node)> _held = new();

    public void Add(in Reservation reservation, string node) => _held[(reservation.ActivityId, reservation.EntryId)] = (reservation, node);

    /// <summary>Their orders are committed: MySQL holds them now, whatever Redis forgets.</summary>
    public void Written(IReadOnlyList<Reservation> batch)
    {
        foreach (var r in batch) _held.TryRemove((r.ActivityId, r.EntryId), out _);
    }

    /// <summary>Drops what another instance must have written long ago.</summary>
    public void Prune()
    {
        var horizon = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)(options.Recovery.GracePeriod.TotalMilliseconds * 10);
        foreach (var (key, held) in _held)
            if (held.Reservation.AtMs < horizon) _held.TryRemove(key, out _);
    }

    // Enumerating the dictionary itself takes no lock (its Values property takes every one and copies), so the checks
    // below never hold up an accepted attempt's Add.
    public List<Reservation> Of(long activityId) =>
        _held.Where(h => h.Key.ActivityId == activityId).Select(h => h.Value.Reservation).ToList();

    /// <summary>Whether this instance holds reservations of the activity that another Redis process accepted: they may
    /// be all that is left of them, so this instance must repair the activity before it sells there.</summary>
    public bool HeldFromAnotherProcess(long activityId, string run) =>
        _held.Any(h => h.Key.ActivityId == activityId && h.Value.Node != run);
}
