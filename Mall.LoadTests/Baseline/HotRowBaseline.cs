using System.Diagnostics;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Scenarios;
using MySqlConnector;

namespace Mall.LoadTests.Baseline;

/// <summary>
/// The "hot-row" baseline: what the shop's MariaDB commits on one row, the ceiling a checkout of one hot SKU is compared
/// to. A scratch table of this run in the shop's own database (created here, dropped after), one connection pool,
/// <c>connections</c> connections each issuing <c>UPDATE … SET stock = stock - 1 WHERE id = 1</c> as autocommit
/// transactions back to back: commits per second and their latency, same server, same durability settings, same sitting.
/// </summary>
public static class HotRowBaseline
{
    public const string Name = "hot-row";
    /// <summary>A fresh pool and a cold buffer pool page settle within a second or two; more warm-up only adds load.</summary>
    private const double MaxWarmupSeconds = 3;

    public static string TableName(string runId) => $"bench_hot_row_{runId}";

    public static async Task<StepSummary> MeasureAsync(string connectionString, string runId, int connections, TimeSpan duration, double warmupSeconds,
        Func<StatsCollector, TimeSpan, Func<Task>, Task> show, CancellationToken ct)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString)
        {
            MaximumPoolSize = (uint)Math.Max(connections, 1),
            MinimumPoolSize = 0,
            Pooling = true,
            // A pool of its own, not the one the scenario's checks use: its connections stay open for the whole measurement.
            ApplicationName = $"mall-bench-hot-row-{runId}",
        };
        var table = TableName(runId);
        try
        {
            await using (var setup = new MySqlConnection(builder.ConnectionString))
            {
                await setup.OpenAsync(ct);
                await Execute(setup, $"DROP TABLE IF EXISTS {table}", ct);
                await Execute(setup, $"CREATE TABLE {table} (id INT NOT NULL PRIMARY KEY, stock BIGINT NOT NULL) ENGINE = InnoDB", ct);
                await Execute(setup, $"INSERT INTO {table} (id, stock) VALUES (1, 1000000000000000)", ct);
            }
            var update = $"UPDATE {table} SET stock = stock - 1 WHERE id = 1";
            if (warmupSeconds > 0)
                await RunAsync(builder.ConnectionString, update, connections, TimeSpan.FromSeconds(Math.Min(warmupSeconds, MaxWarmupSeconds)), null, ct);
            var stats = new StatsCollector();
            await show(stats, duration, () => RunAsync(builder.ConnectionString, update, connections, duration, stats, ct));
            return stats.Steps.SingleOrDefault(s => s.Name == Name)?.Summarize()
                   ?? throw new RunFailure("The hot-row baseline made no commit at all.");
        }
        catch (MySqlException e)
        {
            throw new RunFailure($"The hot-row baseline could not use the shop's database ({e.Message}): the bench user needs CREATE and DROP there.");
        }
        finally
        {
            try
            {
                await using var cleanup = new MySqlConnection(builder.ConnectionString);
                await cleanup.OpenAsync(CancellationToken.None);
                await Execute(cleanup, $"DROP TABLE IF EXISTS {table}", CancellationToken.None);
            }
            catch (MySqlException) { }
            MySqlConnection.ClearPool(new MySqlConnection(builder.ConnectionString));
        }
    }

    private static async Task Execute(MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Each worker holds one pooled connection and commits back to back until the deadline.</summary>
    private static async Task RunAsync(string connectionString, string update, int connections, TimeSpan duration, StatsCollector? stats, CancellationToken ct)
    {
        stats?.Restart();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = new MySqlCommand(update, connection);
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                string? error = null;
                try
                {
                    if (await command.ExecuteNonQueryAsync(ct) != 1) error = "no row updated";
                }
                catch (MySqlException e) { error = $"mysql: {e.ErrorCode}"; }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
                stats?.Step(Name).Record(start, Stopwatch.GetTimestamp(), 0, error);
                if (error is not null && !connection.State.HasFlag(System.Data.ConnectionState.Open)) return;
            }
        }, CancellationToken.None));
        await Task.WhenAll(workers);
    }
}
