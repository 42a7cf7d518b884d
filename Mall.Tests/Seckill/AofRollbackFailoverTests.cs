using System.Collections.Concurrent;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>
/// A machine crash under appendfsync everysec: Redis comes back from an AOF that misses its last acknowledged writes.
/// Simulated by killing Redis mid-burst and restarting it from a copy of its AOF taken a moment earlier. The restarted
/// process is another run id; the shop repairs every live activity from MySQL, the surviving log and its in-flight
/// reservations before selling again.
/// </summary>
public sealed class AofRollbackFailoverTests(AofRollbackFailoverApp app) : IClassFixture<AofRollbackFailoverApp>
{
    [Fact]
    public async Task Redis_restarted_from_an_older_aof_mid_burst_oversells_nothing_loses_no_reservation_and_leaves_drift_0()
    {
        const int stock = 150;
        var activity = await app.CreateActivityAsync(stock: stock);
        var client = app.CreateClient();
        var shoppers = await FailoverBurst.ShoppersAsync(app, client, activity, 260);
        var accepted = new ConcurrentBag<string>();
        var node = RedisHa.Single;
        var aof = Path.Combine(RedisHa.NodeDir(node), "appendonlydir");
        var before = RedisHa.RunId(node);

        await FailoverBurst.RunAsync(client, activity, shoppers[..20], accepted, TimeSpan.Zero);
        await app.WaitForOrdersAsync(activity, accepted.Count);
        await FailoverBurst.WaitForMarkerAsync(app, activity);

        // What the disk holds "now" (everysec: Redis has written it, fsync aside); everything after it will be forgotten.
        var soldBeforeCopy = accepted.Count;
        var copy = Directory.CreateTempSubdirectory("mall-aof-").FullName;
        foreach (var file in Directory.GetFiles(aof)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        await FailoverBurst.RunAsync(client, activity, shoppers[20..60], accepted, FailoverBurst.ThroughRefusals);
        await app.WaitForOrdersAsync(activity, accepted.Count);
        var soldBeforeCrash = accepted.Count;
        var forgottenUnits = soldBeforeCrash - soldBeforeCopy;

        var burst = FailoverBurst.RunAsync(client, activity, shoppers[60..], accepted, TimeSpan.FromSeconds(60));
        await Http.EventuallyAsync(() => Task.FromResult(accepted.Count > soldBeforeCrash), TimeSpan.FromSeconds(10), "the burst selling");
        RedisHa.Kill(node);
        Directory.Delete(aof, recursive: true);
        Directory.CreateDirectory(aof);
        foreach (var file in Directory.GetFiles(copy)) File.Copy(file, Path.Combine(aof, Path.GetFileName(file)));
        RedisHa.Script("single", "start");
        await burst;

        Assert.NotEqual(before, RedisHa.RunId(node));
        await FailoverBurst.WaitForMarkerAsync(app, activity, RedisHa.RunId(node));
        await FailoverBurst.AssertRepairedAsync(app, activity, forgottenUnits);
        await FailoverBurst.AssertTruthAsync(app, activity, stock, accepted);
        Directory.Delete(copy, recursive: true);
    }
}
