using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dapper;
using Mall.Features.Seckill.Recovery;
using Mall.Tests.Conventions;
using Mall.Tests.Infrastructure;
using StackExchange.Redis;

namespace Mall.Tests.Seckill;

/// <summary>
/// Real replicated Redis processes for the failover tests, started by scripts/redis-ha.sh on loopback (ports from
/// MALL_REDIS_HA_BASE, default 16400; the script installs redis-sentinel where missing and fails loudly otherwise).
/// Each fixture starts its topology fresh and stops it when disposed.
/// </summary>
public static class RedisHa
{
    public static int Base { get; } = int.Parse(Environment.GetEnvironmentVariable("MALL_REDIS_HA_BASE") ?? "16400");
    public static int Primary => Base + 1;
    public static int Replica => Base + 2;
    public static int[] Sentinels => [Base + 11, Base + 12, Base + 13];
    public static int[] ClusterNodes => [Base + 21, Base + 22, Base + 23, Base + 24, Base + 25, Base + 26];
    public static int Single => Base + 31;
    public const string Service = "mall";

    public static string Password { get; } = ConfigurationOptions.Parse(MallApp.BaseRedisConnectionString).Password ?? "";

    private static string DataDir => Environment.GetEnvironmentVariable("MALL_DATA_DIR") ?? Path.Combine(SourceTree.Root, ".mall");

    public static string NodeDir(int port) => Path.Combine(DataDir, "redis-ha", port.ToString());

    public static TestHostOption Sentinel()
    {
        Script("sentinel", "up");
        var settings = new Dictionary<string, string?> { ["Redis:Sentinel:ServiceName"] = Service };
        for (var i = 0; i < Sentinels.Length; i++) settings[$"Redis:Sentinel:Endpoints:{i}"] = $"127.0.0.1:{Sentinels[i]}";
        return new TestHostOption { Settings = settings, Disposed = () => Script("sentinel", "down") };
    }

    public static TestHostOption Cluster()
    {
        Script("cluster", "up");
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < ClusterNodes.Length; i++) settings[$"Redis:Cluster:Endpoints:{i}"] = $"127.0.0.1:{ClusterNodes[i]}";
        return new TestHostOption { Settings = settings, Disposed = () => Script("cluster", "down") };
    }

    public static TestHostOption SingleNode()
    {
        Script("single", "up");
        return new TestHostOption
        {
            Settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = $"127.0.0.1:{Single},password={Password}" },
            Disposed = () => Script("single", "down"),
        };
    }

    /// <summary>Runs scripts/redis-ha.sh; throws with its output when it fails.</summary>
    public static void Script(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(SourceTree.Root, "scripts", "redis-ha.sh"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["MALL_REDIS_HA_BASE"] = Base.ToString();
        start.Environment["MALL_REDIS_PASSWORD"] = Password;
        start.Environment["MALL_DATA_DIR"] = DataDir;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"redis-ha.sh {string.Join(' ', args)} failed ({process.ExitCode}): {output.Result}{error.Result}");
    }

    /// <summary>One redis-cli command against a node (the password through the environment); its output.</summary>
    public static string Cli(int port, params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli", ["--no-auth-warning", "-h", "127.0.0.1", "-p", port.ToString(), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["REDISCLI_AUTH"] = Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }

    public static string Info(int port, string section) => Cli(port, "info", section);

    public static string RunId(int port) =>
        Info(port, "server").Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("run_id:", StringComparison.Ordinal))["run_id:".Length..];

    /// <summary>The node stops following its primary: its next writes exist on the primary only, as if replication lagged.
    /// (A wrong masterauth keeps the replica from reconnecting; the link is cut from the primary's side.)</summary>
    public static async Task CutReplicaAsync(int primary, int replica)
    {
        Cli(replica, "config", "set", "masterauth", "not-the-password");
        Cli(primary, "client", "kill", "type", "replica");
        await Http.EventuallyAsync(() => Task.FromResult(Info(replica, "replication").Contains("master_link_status:down")),
            TimeSpan.FromSeconds(10), "the replica's link down");
    }

    /// <summary>SIGKILL, like a crashed machine's process: nothing flushed, nothing said.</summary>
    public static void Kill(int port)
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(NodeDir(port), "redis.pid")).Trim());
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit(10_000);
    }

    public static int SentinelPrimary()
    {
        var answer = Cli(Sentinels[0], "sentinel", "get-master-addr-by-name", Service).Split('\n');
        return int.Parse(answer[1].Trim());
    }
}

public sealed class SentinelFailoverApp() : MallApp(TestHost.Seckill, FailoverBurst.Checks, RedisHa.Sentinel());

public sealed class ClusterFailoverApp() : MallApp(TestHost.Seckill, FailoverBurst.Checks, RedisHa.Cluster());

public sealed class AofRollbackFailoverApp() : MallApp(TestHost.Seckill, FailoverBurst.Checks, RedisHa.SingleNode());

/// <summary>Seckill bursts that keep going through an outage, and the invariants checked after it.</summary>
public static class FailoverBurst
{
    /// <summary>The unprompted check every 200 ms (1 s in production), so a fresh activity carries its marker at once.</summary>
    public static readonly TestHostOption Checks = TestHostOption.Set(("Seckill:Recovery:FenceInterval", "00:00:00.200"));

    /// <summary>
    /// How long the sales Redis is to forget keep trying through 503s: those units are the test's premise, and a 503 can
    /// come from a repair's settle period still running (1.5 s after the one before) or a check that timed out under load.
    /// </summary>
    public static readonly TimeSpan ThroughRefusals = TimeSpan.FromSeconds(15);

    /// <summary>Everyone tries once with their token; a 503 (outage, check or repair under way) is retried until
    /// <paramref name="retryFor"/> has passed. The reservation ids of the 202s go into <paramref name="accepted"/>.</summary>
    public static Task RunAsync(HttpClient client, long activityId, IEnumerable<(Buyer Buyer, string Token)> shoppers,
        ConcurrentBag<string> accepted, TimeSpan retryFor)
    {
        var deadline = DateTime.UtcNow + retryFor;
        return Task.WhenAll(shoppers.Select(async s =>
        {
            while (true)
            {
                using var response = await client.AttemptAsync(s.Buyer, activityId, s.Token);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add((await response.ReadAsync<SeckillKit.ReservationBody>(HttpStatusCode.Accepted)).ReservationId);
                    return;
                }
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) return;
                await Task.Delay(50);
            }
        }));
    }

    public static async Task<List<(Buyer Buyer, string Token)>> ShoppersAsync(MallApp app, HttpClient client, long activityId, int count)
    {
        var buyers = await app.InsertBuyersAsync(count);
        var tokens = await Task.WhenAll(buyers.Select(b => client.TokenAsync(b, activityId)));
        return buyers.Zip(tokens).ToList();
    }

    /// <summary>
    /// The promise after a failover: every 202 became exactly one order, nothing was sold twice (exactly the stock sold,
    /// the shoppers kept trying), no buyer holds two orders, and the reconciliation balances (drift 0).
    /// </summary>
    public static async Task AssertTruthAsync(MallApp app, long activityId, int stock, ConcurrentBag<string> accepted)
    {
        await app.WaitForOrdersAsync(activityId, accepted.Count, seconds: 30);
        await using var db = await app.OpenDbAsync();
        var orders = (await db.QueryAsync<string>("SELECT reservation_id FROM orders WHERE activity_id = @Id", new { Id = activityId })).ToHashSet();
        Assert.All(accepted, id => Assert.Contains(id, orders));
        Assert.True(orders.Count <= stock, $"oversold: {orders.Count} orders for {stock} units");
        Assert.Equal(stock, orders.Count);
        Assert.Equal(0, await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT user_id FROM orders WHERE activity_id = @Id GROUP BY user_id HAVING COUNT(*) > 1) twice", new { Id = activityId }));
        Assert.Equal(0, await app.RedisStockAsync(activityId));
        await Http.EventuallyAsync(async () => (await app.ReconcileAsync(activityId)).Drift == 0, TimeSpan.FromSeconds(10), "drift 0");
    }

    /// <summary>The repair after the forgetful failover corrected the stock by at least the units Redis forgot.</summary>
    public static async Task AssertRepairedAsync(MallApp app, long activityId, int forgottenUnits)
    {
        Assert.True(forgottenUnits > 0, "the test made Redis forget sold units");
        RepairResult? repair = null;
        await Http.EventuallyAsync(() => Task.FromResult((repair = app.Service<FailoverRepair>().Last(activityId)) is not null),
            TimeSpan.FromSeconds(10), $"a repair of activity {activityId} on this instance");
        Assert.True(repair!.StockBefore - repair.StockTruth >= forgottenUnits,
            $"the repair corrected the stock from {repair.StockBefore} to {repair.StockTruth}; Redis had forgotten {forgottenUnits} sold units");
    }

    /// <summary>Waits until the activity's marker names a Redis process (<paramref name="runId"/>, when given): the fence
    /// checked it, or a repair recorded the new one.</summary>
    public static Task WaitForMarkerAsync(MallApp app, long activityId, string? runId = null) =>
        Http.EventuallyAsync(async () =>
        {
            try
            {
                var node = (string?)await app.Redis.HashGetAsync($"sk:{{a{activityId}}}:meta", "node");
                return node is not null && (runId is null || node == runId);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return false; // the client has not learned the new primary yet
            }
        }, TimeSpan.FromSeconds(60), $"the activity's marker{(runId is null ? "" : " naming " + runId)}");
}
