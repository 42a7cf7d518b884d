using System.Threading.Channels;

namespace Mall.Features.Seckill.OrderWriter;

/// <summary>
/// The bounded hand-off between the attempt endpoint and the order writer. Writing never waits: when the
/// channel is full the reservation is still safe in the Redis log, and recovery writes it after the grace period.
/// </summary>
public sealed class ReservationChannel
{
    private readonly Channel<Reservation> _channel;
    private long _arrivals;

    public ReservationChannel(SeckillOptions options)
    {
        _channel = Channel.CreateBounded<Reservation>(new BoundedChannelOptions(options.Writer.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse instead of dropping an older item
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public ChannelReader<Reservation> Reader => _channel.Reader;

    public bool TryWrite(Reservation reservation)
    {
        Interlocked.Increment(ref _arrivals);
        if (_channel.Writer.TryWrite(reservation)) return true;
        SeckillMetrics.ChannelFull.Inc();
        return false;
    }

    public int Count => _channel.Reader.Count;

    /// <summary>Reservations handed over since start, refused ones included: the accept rate the writer paces itself by.</summary>
    public long Arrivals => Interlocked.Read(ref _arrivals);
}
