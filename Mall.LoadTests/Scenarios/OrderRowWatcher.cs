using Dapper;
using MySqlConnector;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// Samples an activity's order-row count from MySQL at a fixed interval while a seckill run goes on. An order row's
/// created_at is its reservation's time (the writer copies it), so only watching the table says when rows were
/// actually written: the first row, the moment the last one arrived, and the largest backlog (accepted but not yet
/// written) along the way. The count uses the (activity_id, status) index only, so sampling costs MariaDB little.
/// </summary>
public sealed class OrderRowWatcher : IAsyncDisposable
{
    public sealed record Sample(DateTime AtUtc, long Rows, long Accepted);

    /// <summary>When rows were first seen, when all of them were, and the largest accepted-minus-written gap.</summary>
    public sealed record Summary(DateTime? FirstRowUtc, DateTime? AllRowsUtc, long PeakBacklog);

    public const string CountSql = "SELECT COUNT(*) FROM orders WHERE activity_id = @ActivityId";

    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TimeSpan Interval { get; }

    public OrderRowWatcher(Func<Task<MySqlConnection>> open, long activityId, Func<long> acceptedSoFar, TimeSpan interval)
    {
        Interval = interval;
        _loop = Task.Run(() => RunAsync(open, activityId, acceptedSoFar, _stop.Token));
    }

    private async Task RunAsync(Func<Task<MySqlConnection>> open, long activityId, Func<long> acceptedSoFar, CancellationToken ct)
    {
        await using var db = await open();
        using var timer = new PeriodicTimer(Interval);
        do
        {
            // Accepted is read before the count, so a backlog is never under-stated by a late accept.
            var accepted = acceptedSoFar();
            try
            {
                var rows = await db.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, new { ActivityId = activityId }, cancellationToken: ct));
                lock (_samples) _samples.Add(new Sample(DateTime.UtcNow, rows, accepted));
            }
            catch (MySqlException) when (!ct.IsCancellationRequested)
            {
                // A missed sample only coarsens the series.
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>Stops sampling (after one last sample, so the final state is in the series).</summary>
    public async Task<IReadOnlyList<Sample>> StopAsync()
    {
        await Task.Delay(Interval); // let the loop take the sample that sees the end state
        await _stop.CancelAsync();
        try { await _loop; }
        catch (Exception e) when (e is OperationCanceledException or MySqlException) { }
        lock (_samples) return _samples.ToList();
    }

    public static Summary Summarise(IReadOnlyList<Sample> samples, long finalRows)
    {
        var first = samples.FirstOrDefault(s => s.Rows > 0);
        var all = finalRows > 0 ? samples.FirstOrDefault(s => s.Rows >= finalRows) : null;
        var peak = samples.Count == 0 ? 0 : samples.Max(s => Math.Max(0, s.Accepted - s.Rows));
        return new Summary(first?.AtUtc, all?.AtUtc, peak);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
