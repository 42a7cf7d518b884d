using System.Collections.Concurrent;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>
/// The shop on a Sentinel group (a primary, a replica, three sentinels; real processes on loopback). Mid-burst, first a
/// planned failover (SENTINEL FAILOVER), then the primary killed after its replica fell behind: the promoted replica
/// has forgotten acknowledged reservations, some already orders in MySQL. The shop notices the new primary, repairs the
/// activity before selling again, and the promise holds.
/// </summary>
public sealed class SentinelFailoverTests(SentinelFailoverApp app) : IClassFixture<SentinelFailoverApp>
{
    [Fact]
    public async Task A_planned_failover_and_a_killed_primary_mid_burst_oversell_nothing_lose_no_reservation_and_leave_drift_0()
    {
        const int stock = 200;
        var activity = await app.CreateActivityAsync(stock: stock);
        var client = app.CreateClient();
        var shoppers = await FailoverBurst.ShoppersAsync(app, client, activity, 330);
        var accepted = new ConcurrentBag<string>();

        // 1. Sold and written normally; the shop has recorded which Redis process holds the activity.
        await FailoverBurst.RunAsync(client, activity, shoppers[..20], accepted, TimeSpan.Zero);
        await app.WaitForOrdersAsync(activity, accepted.Count);
        await FailoverBurst.WaitForMarkerAsync(app, activity);

        // 2. SENTINEL FAILOVER while shoppers keep buying.
        var first = RedisHa.SentinelPrimary();
        var burst = FailoverBurst.RunAsync(client, activity, shoppers[20..60], accepted, TimeSpan.FromSeconds(30));
        RedisHa.Cli(RedisHa.Sentinels[1], "sentinel", "failover", RedisHa.Service);
        await burst;
        await Http.EventuallyAsync(() => Task.FromResult(RedisHa.SentinelPrimary() != first), TimeSpan.FromSeconds(20), "a new primary");
        var primary = RedisHa.SentinelPrimary();
        // The old primary follows the new one once the sentinels have reconfigured it.
        await Http.EventuallyAsync(() => Task.FromResult(RedisHa.Info(first, "replication").Contains("master_link_status:up")),
            TimeSpan.FromSeconds(30), "the old primary replicating from the new one");
        await app.WaitForOrdersAsync(activity, accepted.Count);
        // Repaired on the new primary (only a repair records a new process in the marker).
        await FailoverBurst.WaitForMarkerAsync(app, activity, RedisHa.RunId(primary));

        // 3. The replica stops following; what is sold now exists on the primary (and in MySQL) only.
        await RedisHa.CutReplicaAsync(primary, first);
        var soldBeforeCut = accepted.Count;
        await FailoverBurst.RunAsync(client, activity, shoppers[60..100], accepted, FailoverBurst.ThroughRefusals);
        await app.WaitForOrdersAsync(activity, accepted.Count);
        var soldBeforeKill = accepted.Count;
        var forgottenUnits = soldBeforeKill - soldBeforeCut;

        // 4. The primary dies mid-burst (after this burst's first sale); the sentinels promote the replica that never saw step 3.
        burst = FailoverBurst.RunAsync(client, activity, shoppers[100..], accepted, TimeSpan.FromSeconds(60));
        await Http.EventuallyAsync(() => Task.FromResult(accepted.Count > soldBeforeKill), TimeSpan.FromSeconds(10), "the burst selling");
        RedisHa.Kill(primary);
        await burst;

        await FailoverBurst.WaitForMarkerAsync(app, activity, RedisHa.RunId(first));
        await FailoverBurst.AssertRepairedAsync(app, activity, forgottenUnits);
        await FailoverBurst.AssertTruthAsync(app, activity, stock, accepted);
    }
}
