using System.Collections.Concurrent;
using Dapper;
using Mall.Infrastructure;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Prometheus;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Recovery;

/// <summary>The failover metrics (the "Redis failover" alert in docker/prometheus/alerts.yml reads the first).</summary>
public static class FailoverMetrics
{
    public static readonly Counter Failovers = Metrics.CreateCounter("mall_redis_failovers_total",
        "Times this instance found another Redis process serving a live seckill activity (failover, or a restart from disk) and repaired it.");

    public static readonly Counter Repairs = Metrics.CreateCounter("mall_seckill_failover_repairs_total",
        "Seckill activities repaired from MySQL, the surviving log and this instance's in-flight reservations.");

    public static readonly Counter Restored = Metrics.CreateCounter("mall_seckill_failover_restored_total",
        "Accepted reservations Redis had forgotten that a repair put back in the log.");

    public static readonly Counter Corrected = Metrics.CreateCounter("mall_seckill_failover_corrected_units_total",
        "Units by which repairs corrected a Redis stock.");

    public static readonly Gauge Paused = Metrics.CreateGauge("mall_seckill_attempts_paused",
        "1 while this instance holds seckill attempts back to check (and repair) Redis after a connection event.");
}

/// <summary>
/// Keeps seckill attempts away from a Redis that may have forgotten acknowledged writes. The marker is per activity: the
/// run id of the Redis process that holds the activity's slot, recorded in its meta (meta.node) and remembered by this
/// instance. A failover (Sentinel or Cluster) or a primary restarted from its AOF puts another process there.
/// <para>Attempt.lua itself refuses to sell on a process that is not meta.node (a 503 that makes this instance check at
/// once), so nothing is sold on a forgetful process whatever this instance has noticed; the checks below find the change
/// early and repair it. Any connection event (a link failed, the configuration or the primary changed) or a Redis error on
/// an attempt pauses attempts on this instance: each one waits (at most Redis:FailFastMilliseconds, then 503 with Retry-After) until
/// a check has run Fence.lua on every live activity. Unchanged: the pause ends. Changed: <see cref="FailoverRepair"/>
/// repairs the activity under a Redis-side fence (503 on every instance) before the pause ends. Every FenceInterval the
/// check also runs without a pause, so a change no event announced is still found.</para>
/// The hot path pays one volatile read (<see cref="Open"/>).
/// </summary>
public sealed class FailoverFence : BackgroundService
{
    private const string LiveActivities = """
        SELECT id FROM seckill_activities
        WHERE published_at IS NOT NULL AND cancelled_at IS NULL AND closed_at IS NULL AND ends_at > @Since
        """;

    public static readonly RedisScript Script = new("Features/Seckill/Recovery/Fence.lua");

    private readonly MySqlDataSource _db;
    private readonly SeckillScripts _scripts;
    private readonly FailoverRepair _repair;
    private readonly InFlightReservations _inFlight;
    private readonly SeckillOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<FailoverFence> _logger;
    private readonly TimeSpan _waitBound;
    private readonly ConcurrentDictionary<long, string> _known = new();
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly Lock _gate = new();
    private volatile Task? _pause;
    private int _suspicions;
    private CancellationToken _stopping;

    public FailoverFence(MySqlDataSource db, IConnectionMultiplexer multiplexer, SeckillScripts scripts, FailoverRepair repair,
        InFlightReservations inFlight, SeckillOptions options, IOptions<RedisOptions> redisOptions, TimeProvider clock, ILogger<FailoverFence> logger)
    {
        _db = db;
        _scripts = scripts;
        _repair = repair;
        _inFlight = inFlight;
        _options = options;
        _clock = clock;
        _logger = logger;
        _waitBound = TimeSpan.FromMilliseconds(redisOptions.Value.FailFastMilliseconds);
        FailoverMetrics.Failovers.Publish();
        FailoverMetrics.Repairs.Publish();
        FailoverMetrics.Restored.Publish();
        FailoverMetrics.Corrected.Publish();
        multiplexer.ConnectionFailed += (_, _) => Suspect();
        multiplexer.ConfigurationChanged += (_, _) => Suspect();
        multiplexer.ConfigurationChangedBroadcast += (_, _) => Suspect();
    }

    /// <summary>No check pending: attempts go straight to Redis.</summary>
    public bool Open => _pause is null;

    /// <summary>Waits (bounded) for the pending check and any repair; false when attempts must still be refused.</summary>
    public async ValueTask<bool> WaitOpenAsync()
    {
        var pause = _pause;
        if (pause is null) return true;
        await Task.WhenAny(pause, Task.Delay(_waitBound));
        return _pause is null;
    }

    /// <summary>
    /// An attempt's answer named the Redis process the activity is verified on now (a 202, or a 503 while a repair
    /// settles). Another process than the one this instance last saw means a failover that some other instance has
    /// repaired already: this instance checks and repairs too, so the reservations only it holds are counted.
    /// </summary>
    public void Noticed(long activityId, string node)
    {
        if (node.Length == 0) return;
        if (_known.TryGetValue(activityId, out var known))
        {
            if (known != node) Suspect();
        }
        else if (_inFlight.HeldFromAnotherProcess(activityId, node)) Suspect();
        else _known.TryAdd(activityId, node);
    }

    /// <summary>Something may have moved the primary: hold attempts until a check says what serves each activity.</summary>
    public void Suspect()
    {
        Interlocked.Increment(ref _suspicions);
        lock (_gate)
        {
            if (_pause is not null) return;
            FailoverMetrics.Paused.Set(1);
            _pause = Task.Run(CheckUntilDoneAsync);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var timer = new PeriodicTimer(_options.Recovery.FenceInterval);
        do
        {
            _inFlight.Prune();
            if (!Open) continue;
            try
            {
                // Unpaused: a change found here (announced by no event) pauses and repairs like any other.
                if (await CheckAsync(repair: false, stoppingToken)) Suspect();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogDebug(e, "Seckill failover check failed; next tick");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task CheckUntilDoneAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var suspicions = Volatile.Read(ref _suspicions);
            try
            {
                await CheckAsync(repair: true, _stopping);
                lock (_gate)
                {
                    // Another event arrived during the check: check again before opening.
                    if (suspicions != Volatile.Read(ref _suspicions)) continue;
                    _pause = null;
                    FailoverMetrics.Paused.Set(0);
                    return;
                }
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                // Redis (or MySQL) not back yet, or the new primary not known yet: attempts stay paused.
                _logger.LogDebug(e, "Seckill failover check failed; retrying");
                try { await Task.Delay(100, _stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Runs Fence.lua on every live activity; with <paramref name="repair"/>, repairs the changed ones.
    /// Returns whether any had changed.</summary>
    public async Task<bool> CheckAsync(bool repair, CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            List<long> ids;
            await using (var connection = await _db.OpenConnectionAsync(ct))
                ids = (await connection.QueryAsync<long>(new CommandDefinition(LiveActivities,
                    new { Since = (_clock.GetUtcNow() - _options.Lookback).UtcDateTime }, cancellationToken: ct))).ToList();
            var changed = new List<(long Id, string Run)>();
            foreach (var id in ids)
            {
                var keys = new ActivityKeys(id);
                var verdict = (RedisResult[])(await _scripts.RunAsync(Script, [keys.Meta], [_known.GetValueOrDefault(id, "")]))!;
                var run = (string)verdict[0]!;
                // Never seen here before, yet holding reservations another process accepted: they may be all that is left.
                var heldFromBefore = !_known.ContainsKey(id) && _inFlight.HeldFromAnotherProcess(id, run);
                if ((string?)verdict[1] == "ok" && !heldFromBefore) _known[id] = run;
                else changed.Add((id, run));
            }
            if (changed.Count == 0 || !repair) return changed.Count > 0;
            FailoverMetrics.Failovers.Inc();
            _logger.LogWarning("Redis changed under {Count} live seckill activities (failover or restart); repairing them before attempts resume",
                changed.Count);
            foreach (var (id, _) in changed)
            {
                RepairResult? result;
                var deadline = _clock.GetUtcNow() + FailoverRepair.AbandonedAfter * 2;
                // Another instance repairing the same activity holds its fence: wait for it, then repair again with what
                // this instance holds (a repair is idempotent: it computes the stock from the truth, not from a delta).
                while ((result = await _repair.RepairAsync(id, ct)) is null && _clock.GetUtcNow() < deadline) await Task.Delay(100, ct);
                if (result is null) throw new TimeoutException($"Could not take the repair fence of seckill activity {id}.");
                _known[id] = result.Run;
            }
            return true;
        }
        finally
        {
            _pass.Release();
        }
    }
}
