namespace Mall.Features.Seckill.OrderWriter;

/// <summary>
/// Peak shaving for the order writer. While reservations pour in faster than Writer:BurstAcceptsPerSecond, the
/// writer holds its next batch back until its oldest reservation has waited Writer:MaxBurstDeferral, so the
/// burst's CPU goes to answering shoppers and MySQL gets the orders right after it (the queue is there to flatten
/// the peak). Nothing is at risk meanwhile: every held reservation is already in the Redis log. The writer never
/// holds while the channel is half full (a full channel would hand reservations to recovery's slower path), and
/// the first batch after a quiet spell goes out at once.
/// </summary>
public sealed class BurstPacing(ReservationChannel channel, SeckillOptions options, TimeProvider clock)
{
    /// <summary>Accept rates are judged over at least this long: a handful of arrivals in a millisecond is no burst.</summary>
    private static readonly TimeSpan MinSample = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private long _sampleArrivals;
    private long _sampleTimestamp = clock.GetTimestamp();
    private bool _burst;

    /// <summary>Waits while a burst lasts, the oldest reservation is younger than the deferral and the channel has room.</summary>
    public async Task HoldAsync(Reservation oldest, CancellationToken ct)
    {
        var threshold = options.Writer.BurstAcceptsPerSecond;
        if (threshold <= 0) return;
        var releaseAtMs = oldest.AtMs + (long)options.Writer.MaxBurstDeferral.TotalMilliseconds;
        var started = clock.GetTimestamp();
        while (InBurst(threshold) && channel.Count < options.Writer.ChannelCapacity / 2)
        {
            var left = releaseAtMs - clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (left <= 0) break;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, PollInterval.TotalMilliseconds)), clock, ct);
        }
        var held = clock.GetElapsedTime(started);
        if (held > TimeSpan.Zero) SeckillMetrics.WriterHeldSeconds.Inc(held.TotalSeconds);
    }

    /// <summary>Whether reservations arrived at the burst rate or faster over the last sample (at least MinSample long).</summary>
    private bool InBurst(int threshold)
    {
        var now = clock.GetTimestamp();
        var elapsed = clock.GetElapsedTime(_sampleTimestamp, now);
        if (elapsed < MinSample) return _burst;
        var arrivals = channel.Arrivals;
        _burst = (arrivals - _sampleArrivals) / elapsed.TotalSeconds >= threshold;
        _sampleArrivals = arrivals;
        _sampleTimestamp = now;
        return _burst;
    }
}
