using System.Collections.Concurrent;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>
/// The shop on a Redis Cluster (3 primaries, 3 replicas; real processes on loopback). Every key of an activity shares its
/// hash tag, so one shard holds it: its replica falls behind, then its primary is killed mid-burst and the cluster
/// promotes the replica, which has forgotten acknowledged reservations. The shop repairs the activity before selling again.
/// </summary>
public sealed class ClusterFailoverTests(ClusterFailoverApp app) : IClassFixture<ClusterFailoverApp>
{
    [Fact]
    public async Task A_killed_shard_primary_mid_burst_oversells_nothing_loses_no_reservation_and_leaves_drift_0()
    {
        const int stock = 150;
        var activity = await app.CreateActivityAsync(stock: stock);
        var client = app.CreateClient();
        var shoppers = await FailoverBurst.ShoppersAsync(app, client, activity, 260);
        var accepted = new ConcurrentBag<string>();

        await FailoverBurst.RunAsync(client, activity, shoppers[..20], accepted, TimeSpan.Zero);
        await app.WaitForOrdersAsync(activity, accepted.Count);
        await FailoverBurst.WaitForMarkerAsync(app, activity);

        // The shard that owns the activity's slot (its hash tag {a<id>}), and that shard's replica.
        var (primary, replica) = ClusterShard(activity);
        await RedisHa.CutReplicaAsync(primary, replica);
        var soldBeforeCut = accepted.Count;
        await FailoverBurst.RunAsync(client, activity, shoppers[20..60], accepted, FailoverBurst.ThroughRefusals);
        await app.WaitForOrdersAsync(activity, accepted.Count);
        var soldBeforeKill = accepted.Count;
        var forgottenUnits = soldBeforeKill - soldBeforeCut;

        var burst = FailoverBurst.RunAsync(client, activity, shoppers[60..], accepted, TimeSpan.FromSeconds(60));
        await Http.EventuallyAsync(() => Task.FromResult(accepted.Count > soldBeforeKill), TimeSpan.FromSeconds(10), "the burst selling");
        RedisHa.Kill(primary);
        await burst;

        await FailoverBurst.WaitForMarkerAsync(app, activity, RedisHa.RunId(replica));
        Assert.Contains("role:master", RedisHa.Info(replica, "replication"));
        await FailoverBurst.AssertRepairedAsync(app, activity, forgottenUnits);
        await FailoverBurst.AssertTruthAsync(app, activity, stock, accepted);
    }

    private static (int Primary, int Replica) ClusterShard(long activityId)
    {
        var seed = RedisHa.ClusterNodes[0];
        var slot = int.Parse(RedisHa.Cli(seed, "cluster", "keyslot", $"{{a{activityId}}}"));
        // CLUSTER NODES: <id> <ip:port@bus> <flags> <master id or -> … <slot ranges>
        var nodes = RedisHa.Cli(seed, "cluster", "nodes").Split('\n').Select(l => l.Trim().Split(' ')).ToList();
        var owner = nodes.First(n => n[2].Contains("master") && n.Skip(8).Any(range =>
        {
            var bounds = range.Split('-');
            return bounds.Length is 1 or 2 && int.TryParse(bounds[0], out var from) &&
                   slot >= from && slot <= (bounds.Length == 2 ? int.Parse(bounds[1]) : from);
        }));
        var replica = nodes.First(n => n[2].Contains("slave") && n[3] == owner[0]);
        static int Port(string[] node) => int.Parse(node[1].Split('@')[0].Split(':')[1]);
        return (Port(owner), Port(replica));
    }
}
