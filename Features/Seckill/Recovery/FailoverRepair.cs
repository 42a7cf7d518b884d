using System.Collections.Concurrent;
using Dapper;
using Mall.Features.Seckill.Admin.PublishActivity;
using Mall.Features.Seckill.Expiry;
using Mall.Infrastructure;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Recovery;

/// <summary>What one repair found and did.</summary>
/// <param name="StockBefore">The Redis stock the repair's snapshot read.</param>
/// <param name="StockTruth">The stock the truth gives for that moment (MySQL orders, the surviving log, this instance's in-flight reservations).</param>
/// <param name="Restored">Reservations put back into the log (accepted, not yet written, forgotten by Redis).</param>
/// <param name="Run">The run id of the Redis process the activity lives on now.</param>
public sealed record RepairResult(long ActivityId, long StockBefore, long StockTruth, long StockAfter, int Restored, string Run);

/// <summary>
/// Repairs one activity's Redis half from the truth after Redis may have forgotten acknowledged writes (a failover to a
/// replica that lagged, a primary restarted from an AOF missing its last second). The truth: the order rows in MySQL,
/// the reservations still in the log, and the ones this instance accepted and still holds (channel, writer batch).
/// <list type="number">
/// <item>MySQL (t0): the activity's cancelled orders and whether their units were already returned.</item>
/// <item>Redis (t1, RepairSnapshot.lua): fence the activity — the attempt script answers 503 on every instance while
/// meta.repairing is set, so nothing is sold from here on — and read stock, log and returned markers atomically.</item>
/// <item>MySQL (t2): every order of the activity. Reading the log before the orders means a reservation written in
/// between is seen at least once (the writer writes, then deletes the entry); the union by reservation id counts it once.</item>
/// <item>Redis (Repair.lua): stock += truth − snapshot (returns since t1 are kept), buyers raised to what they bought,
/// forgotten reservations put back in the log under their own ids, the new primary's run id recorded, and the fence turned
/// into a settle period (Recovery:RepairSettle) in which attempts are still refused while any other instance takes the
/// fence over and adds the forgotten reservations only it holds (they are in the log by then, so repairs add up).</item>
/// </list>
/// A unit is out of stock when a live order holds it, when a reservation not yet written holds it, or when its order was
/// cancelled but the return has not reached Redis (the expiry pass will still give it back exactly once).
/// </summary>
public sealed class FailoverRepair(MySqlDataSource db, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix, IDatabase redis,
    SeckillScripts scripts, Publisher publisher, InFlightReservations inFlight, ActivityStates states, SeckillOptions options,
    TimeProvider clock, ILogger<FailoverRepair> logger)
{
    public static readonly RedisScript Snapshot = new("Features/Seckill/Recovery/RepairSnapshot.lua");
    public static readonly RedisScript Script = new("Features/Seckill/Recovery/Repair.lua");

    /// <summary>A fence older than this whose instance never lifted it (it died mid-repair) may be taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(30);

    private const string ActivityRow = "SELECT stock AS Stock, released_units AS Released FROM seckill_activities WHERE id = @Id";

    private const string CancelledOrders = """
        SELECT reservation_id AS ReservationId, stock_return_pending AS Pending FROM orders
        WHERE activity_id = @Id AND status = 'Cancelled'
        """;

    private const string Orders = """
        SELECT o.reservation_id AS ReservationId, o.user_id AS UserId, o.status = 'Cancelled' AS Cancelled, i.quantity AS Quantity
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.activity_id = @Id
        """;

    private readonly ConcurrentDictionary<long, RepairResult> _last = new();

    /// <summary>The last repair this instance made of the activity, if any (what it found and corrected).</summary>
    public RepairResult? Last(long activityId) => _last.GetValueOrDefault(activityId);

    // The fence names the instance, so a retry of its own failed repair does not wait for it to be abandoned.
    private readonly string _instance = Guid.NewGuid().ToString("N");

    /// <summary>Repairs the activity; null when another instance holds its fence (try again shortly).</summary>
    public async Task<RepairResult?> RepairAsync(long activityId, CancellationToken ct)
    {
        var keys = new ActivityKeys(activityId);
        ActivityFacts? facts;
        await using (var connection = await db.OpenConnectionAsync(ct))
            facts = await connection.QuerySingleOrDefaultAsync<ActivityFacts>(new CommandDefinition(ActivityRow, new { Id = activityId }, cancellationToken: ct));
        if (facts is null) return null;
        // The activity itself was forgotten (published moments before): warm it up again from its MySQL row first.
        if ((await redis.HashGetAsync(keys.Meta, "start")).IsNull) await publisher.WarmAsync(activityId, ct);

        Dictionary<string, bool> cancelledAtT0;
        await using (var connection = await db.OpenConnectionAsync(ct))
            cancelledAtT0 = (await connection.QueryAsync<(string ReservationId, bool Pending)>(new CommandDefinition(CancelledOrders,
                new { Id = activityId }, cancellationToken: ct))).ToDictionary(o => o.ReservationId, o => o.Pending);

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var token = $"{_instance}:{now}";
        var snapshot = (RedisResult[])(await scripts.RunAsync(Snapshot, [keys.Meta, keys.Stock, keys.Log, keys.Returned],
            [token, now, (long)AbandonedAfter.TotalMilliseconds]))!;
        if ((long)snapshot[0] == 0) return null;
        try
        {
            var stockBefore = snapshot[1].IsNull ? 0 : (long)snapshot[1];
            var log = ((RedisResult[])snapshot[2]!).Select(e => FromLog(activityId, (RedisResult[])e!)).ToList();
            var returned = ((RedisResult[])snapshot[3]!).Select(r => (string)r!).ToHashSet();
            var held = inFlight.Of(activityId);

            List<OrderFact> orders;
            await using (var connection = await db.OpenConnectionAsync(ct))
                orders = (await connection.QueryAsync<OrderFact>(new CommandDefinition(Orders, new { Id = activityId }, cancellationToken: ct))).ToList();

            var written = orders.Select(o => o.ReservationId).ToHashSet();
            var outOfStock = 0L;
            var bought = new Dictionary<long, long>();
            var backInStock = new List<string>();
            foreach (var order in orders)
            {
                bought[order.UserId] = bought.GetValueOrDefault(order.UserId) + order.Quantity;
                if (!order.Cancelled)
                {
                    outOfStock += order.Quantity;
                    continue;
                }
                // Cancelled before t0 with the return finished, or returned in Redis by t1: the unit is in the snapshot's stock.
                var returnedBeforeT0 = cancelledAtT0.TryGetValue(order.ReservationId, out var pending) && !pending;
                if (returnedBeforeT0) backInStock.Add(order.ReservationId);
                else if (!returned.Contains(order.ReservationId)) outOfStock += order.Quantity;
            }

            var inLog = log.Select(r => r.Id).ToHashSet();
            var unwritten = log.Where(r => !written.Contains(r.Id)).ToList();
            var putBack = held.Where(r => !written.Contains(r.Id) && !inLog.Contains(r.Id)).DistinctBy(r => r.Id)
                .OrderBy(r => EntryMs(r.EntryId)).ThenBy(r => EntrySeq(r.EntryId)).ToList();
            foreach (var r in unwritten.Concat(putBack))
            {
                outOfStock += r.Quantity;
                bought[r.UserId] = bought.GetValueOrDefault(r.UserId) + r.Quantity;
            }
            var truth = facts.Stock - facts.Released - outOfStock;

            var settleUntil = options.Recovery.RepairSettle > TimeSpan.Zero
                ? clock.GetUtcNow().Add(options.Recovery.RepairSettle).ToUnixTimeMilliseconds() : 0;
            var args = new List<RedisValue> { token, stockBefore, truth, settleUntil, bought.Count };
            foreach (var (user, units) in bought) { args.Add(user); args.Add(units); }
            args.Add(putBack.Count);
            foreach (var r in putBack) { args.Add(r.EntryId); args.Add(r.UserId); args.Add(r.Quantity); args.Add(r.PriceCents); args.Add(r.AtMs); }
            args.Add(backInStock.Count);
            foreach (var id in backInStock) args.Add(id);
            var done = (RedisResult[])(await scripts.RunAsync(Script, [keys.Meta, keys.Stock, keys.Buyers, keys.Log, keys.Returned], [.. args]))!;
            if (done.Length == 1) return null; // the fence was taken over meanwhile: the other repair decides

            var stockAfter = (long)done[0];
            // Recorded as soon as Redis holds the repair (its script also moved the marker to the new process), so
            // whoever sees the new marker finds the repair that put it there.
            var result = _last[activityId] = new RepairResult(activityId, stockBefore, truth, stockAfter, (int)(long)done[1], (string)done[2]!);
            var state = states.Get(activityId);
            state.ObserveStock(stockAfter);
            state.ResetSoldOut();
            // Other instances may hold a sold-out flag from before; a corrected stock is news to them too.
            await multiplexer.GetSubscriber().PublishAsync(prefix.Channel(SeckillExpiry.StockReturnedChannel), activityId);
            if (truth < 0)
                logger.LogError("Seckill activity {ActivityId} was oversold by {Units} units before the failover was noticed", activityId, -truth);
            logger.LogWarning("Repaired seckill activity {ActivityId} after a Redis failover or rollback: stock {Before} -> {Truth} at the " +
                              "snapshot ({After} now), {Restored} forgotten reservations put back in the log, {Unwritten} still queued",
                activityId, stockBefore, truth, stockAfter, (long)done[1], unwritten.Count + putBack.Count);
            FailoverMetrics.Repairs.Inc();
            FailoverMetrics.Restored.Inc((long)done[1]);
            FailoverMetrics.Corrected.Inc(Math.Abs(truth - stockBefore));
            return result;
        }
        catch
        {
            // Lift this repair's fence, so the retry (or another instance) can start over at once.
            try
            {
                await redis.ScriptEvaluateAsync("if redis.call('HGET', KEYS[1], 'repairing') == ARGV[1] then redis.call('HDEL', KEYS[1], 'repairing') end",
                    [keys.Meta], [token]);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The next snapshot of this instance takes its own fence over anyway.
            }
            throw;
        }
    }

    private static Reservation FromLog(long activityId, RedisResult[] entry)
    {
        var fields = (RedisResult[])entry[1]!;
        long user = 0, price = 0, at = 0;
        var quantity = 0;
        for (var i = 0; i + 1 < fields.Length; i += 2)
            switch ((string?)fields[i])
            {
                case "u": user = (long)fields[i + 1]; break;
                case "q": quantity = (int)fields[i + 1]; break;
                case "p": price = (long)fields[i + 1]; break;
                case "t": at = (long)fields[i + 1]; break;
            }
        return new Reservation(activityId, (string)entry[0]!, user, quantity, price, at);
    }

    private static ulong EntryMs(string entryId) => ulong.Parse(entryId.AsSpan(0, entryId.IndexOf('-')));
    private static ulong EntrySeq(string entryId) => ulong.Parse(entryId.AsSpan(entryId.IndexOf('-') + 1));

    private sealed class ActivityFacts
    {
        public long Stock { get; set; }
        public long Released { get; set; }
    }

    private sealed class OrderFact
    {
        public string ReservationId { get; set; } = "";
        public long UserId { get; set; }
        public bool Cancelled { get; set; }
        public int Quantity { get; set; }
    }
}
