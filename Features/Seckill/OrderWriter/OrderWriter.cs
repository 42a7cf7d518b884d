namespace Mall.Features.Seckill.OrderWriter;

/// <summary>
/// Drains the reservation channel in batches: as many as are waiting up to Writer:BatchSize, or whatever
/// arrived within Writer:MaxWait of the first. A batch that still fails after Writer:MaxRetries is left to
/// recovery: its entries are in the Redis log until a write confirms them. During a burst of accepts the writer
/// holds back (see BurstPacing) so the burst is answered first.
/// </summary>
public sealed class OrderWriter(ReservationChannel channel, OrderBatchWriter writer, BurstPacing pacing, SeckillOptions options,
    ILogger<OrderWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = channel.Reader;
        var size = Math.Max(1, options.Writer.BatchSize);
        var batch = new List<Reservation>(size);
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < size && reader.TryRead(out var reservation)) batch.Add(reservation);
            if (batch.Count < size) await FillAsync(batch, size, stoppingToken);
            await pacing.HoldAsync(batch[0], stoppingToken);
            SeckillMetrics.ChannelDepth.Set(channel.Count);
            await WriteWithRetriesAsync(batch, stoppingToken);
        }
    }

    private async Task FillAsync(List<Reservation> batch, int size, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(options.Writer.MaxWait);
        try
        {
            while (batch.Count < size && await channel.Reader.WaitToReadAsync(wait.Token))
                while (batch.Count < size && channel.Reader.TryRead(out var reservation)) batch.Add(reservation);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Max wait reached: write what we have.
        }
    }

    private async Task WriteWithRetriesAsync(List<Reservation> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await writer.WriteAsync(batch, stoppingToken);
                return;
            }
            // Any failure (database down, deadlock, Redis hiccup) is retried, then left to recovery: the loop
            // must never die, or the host would stop with it.
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                SeckillMetrics.BatchFailures.Inc();
                if (attempt > options.Writer.MaxRetries)
                {
                    logger.LogWarning(e, "Giving {Count} seckill reservations to recovery after {Attempts} failed writes", batch.Count, attempt);
                    return;
                }
                await Task.Delay(options.Writer.RetryDelay * attempt, stoppingToken);
            }
        }
    }
}
