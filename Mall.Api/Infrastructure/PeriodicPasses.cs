namespace Mall.Infrastructure;

/// <summary>
/// The background workers' loop: one pass every interval until shutdown. A pass that fails (MySQL or Redis briefly
/// away) is logged at Warning and the next tick tries again, so each pass must be safe to repeat, and to run on every
/// instance at once: the workers' passes are written that way (conditional updates, SKIP LOCKED, idempotent writes).
/// </summary>
public static class PeriodicPasses
{
    /// <param name="what">The pass, as the log names it: "Order expiry sweep".</param>
    /// <param name="atStart">Run a pass at once instead of after the first interval (recovery after a restart).</param>
    public static async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task> pass, ILogger logger, string what,
        CancellationToken stoppingToken, bool atStart = false)
    {
        using var timer = new PeriodicTimer(interval);
        if (atStart) await RunOnceAsync(pass, logger, what, interval, stoppingToken);
        while (await timer.WaitForNextTickAsync(stoppingToken)) await RunOnceAsync(pass, logger, what, interval, stoppingToken);
    }

    private static async Task RunOnceAsync(Func<CancellationToken, Task> pass, ILogger logger, string what, TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            await pass(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "{Pass} failed; next one in {Interval}", what, interval);
        }
    }
}
