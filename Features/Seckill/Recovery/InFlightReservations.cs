using System.Collections.Concurrent;

namespace Mall.Features.Seckill.Recovery;

/// <summary>
/// The reservations this instance accepted recently, oldest first: what it may still hold in its channel or in the
/// writer's current batch. After a failover that forgot the log's newest entries these are the only copy of the ones
/// not yet written, so the repair counts them (and puts them back in the log). One lock-free enqueue per accepted
/// attempt; entries older than twice the recovery grace period are dropped (by then the writer has written a
/// reservation or given it to recovery), so the queue holds at most a few seconds of accepts.
/// </summary>
public sealed class InFlightReservations(SeckillOptions options, TimeProvider clock)
{
    private readonly ConcurrentQueue<Reservation> _queue = new();

    public void Add(in Reservation reservation) => _queue.Enqueue(reservation);

    /// <summary>Drops what is too old to matter.</summary>
    public void Prune()
    {
        var horizon = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)(options.Recovery.GracePeriod.TotalMilliseconds * 2);
        while (_queue.TryPeek(out var oldest) && oldest.AtMs < horizon) _queue.TryDequeue(out _);
    }

    public List<Reservation> Of(long activityId)
    {
        Prune();
        return _queue.Where(r => r.ActivityId == activityId).ToList();
    }

    public int Count => _queue.Count;
}
