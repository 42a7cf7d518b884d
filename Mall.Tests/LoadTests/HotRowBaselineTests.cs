using Dapper;
using Mall.LoadTests.Baseline;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.LoadTests;

/// <summary>The hot-row baseline commits single-row decrements on a scratch table of its own, and leaves nothing behind.</summary>
public sealed class HotRowBaselineTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task Commits_decrements_of_one_row_and_drops_its_table()
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        long? stockSeen = null;

        var summary = await HotRowBaseline.MeasureAsync(app.ConnectionString, runId, connections: 4, TimeSpan.FromSeconds(1), warmupSeconds: 0,
            async (stats, _, work) =>
            {
                await work();
                await using var db = await app.OpenDbAsync();
                stockSeen = await db.ExecuteScalarAsync<long>($"SELECT stock FROM {HotRowBaseline.TableName(runId)} WHERE id = 1");
            }, CancellationToken.None);

        Assert.Equal(HotRowBaseline.Name, summary.Name);
        Assert.True(summary.Requests > 0);
        Assert.Equal(0, summary.Failed);
        Assert.True(summary.Rps > 0);
        Assert.True(summary.P99Ms >= summary.P50Ms);
        Assert.Equal(1_000_000_000_000_000 - summary.Requests, stockSeen); // every commit took exactly one unit
        await using var after = await app.OpenDbAsync();
        Assert.Equal(0, await after.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @Table", new { Table = HotRowBaseline.TableName(runId) }));
    }
}
