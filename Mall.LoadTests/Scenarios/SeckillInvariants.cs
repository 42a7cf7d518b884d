using Dapper;
using MySqlConnector;

namespace Mall.LoadTests.Scenarios;

public sealed record AcceptedReservation(string ReservationId, long UserId, int Quantity);

public sealed record SeckillOrderRow(long Id, long UserId, string? ReservationId, string Status, DateTime CreatedAt);

/// <summary>GET /api/v1/admin/seckill/activities/{id}/reconcile.</summary>
public sealed record Reconciliation(long InitialStock, long RedisRemaining, long PendingReservations, long LiveOrders, long Drift);

/// <summary>
/// The seckill invariants after a run, from what the shoppers were told (accepted reservations), what MySQL holds
/// (order rows) and what the shop reports from Redis (reconciliation). Pure: the rows are read by
/// <see cref="ReadOrdersAsync"/>, so a test can remove one and see the check fail.
/// </summary>
public static class SeckillInvariants
{
    public const string ReadOrdersSql = """
        SELECT id AS Id, user_id AS UserId, reservation_id AS ReservationId, status AS Status, created_at AS CreatedAt
        FROM orders WHERE activity_id = @ActivityId AND kind = 'seckill'
        """;

    public static async Task<IReadOnlyList<SeckillOrderRow>> ReadOrdersAsync(MySqlConnection db, long activityId, CancellationToken ct = default) =>
        (await db.QueryAsync<SeckillOrderRow>(new CommandDefinition(ReadOrdersSql, new { ActivityId = activityId }, cancellationToken: ct))).ToList();

    public static IReadOnlyList<Check> Evaluate(IReadOnlyCollection<AcceptedReservation> accepted, IReadOnlyList<SeckillOrderRow> orders,
        Reconciliation? reconciliation, long initialStock, int limitPerUser)
    {
        var checks = new List<Check>();
        var acceptedIds = accepted.Select(a => a.ReservationId).ToHashSet(StringComparer.Ordinal);
        var orderIds = orders.Where(o => o.ReservationId is not null).Select(o => o.ReservationId!).ToHashSet(StringComparer.Ordinal);
        var acceptedUnits = accepted.Sum(a => (long)a.Quantity);

        var lost = acceptedIds.Where(id => !orderIds.Contains(id)).ToList();
        checks.Add(new Check("no lost order (every accepted reservation has an order row)", lost.Count == 0,
            lost.Count == 0 ? $"{acceptedIds.Count} accepted, {orderIds.Count} order rows"
                : $"{lost.Count} accepted reservation(s) have no order row, e.g. {string.Join(", ", lost.Take(3))}"));

        var phantom = orders.Where(o => o.ReservationId is null || !acceptedIds.Contains(o.ReservationId)).ToList();
        checks.Add(new Check("no order without an accepted reservation", phantom.Count == 0,
            phantom.Count == 0 ? "none" : $"{phantom.Count} order row(s) no shopper was told about, e.g. order id {phantom[0].Id}"));

        var duplicates = orders.Count - orders.Select(o => o.ReservationId).Distinct().Count();
        checks.Add(new Check("one order per reservation", duplicates == 0, duplicates == 0 ? "no duplicates" : $"{duplicates} duplicate order row(s)"));

        checks.Add(new Check("no oversell (accepted units ≤ initial stock)", acceptedUnits <= initialStock,
            $"{acceptedUnits} accepted of {initialStock}"));

        var overLimit = orders.GroupBy(o => o.UserId).Where(g => g.Count() > limitPerUser).ToList();
        checks.Add(new Check($"no shopper above the limit of {limitPerUser}", overLimit.Count == 0,
            overLimit.Count == 0 ? $"max {(orders.Count == 0 ? 0 : orders.GroupBy(o => o.UserId).Max(g => g.Count()))} per shopper"
                : $"{overLimit.Count} shopper(s) over the limit, e.g. user {overLimit[0].Key} with {overLimit[0].Count()}"));

        if (reconciliation is null)
        {
            checks.Add(new Check("reconciliation available", false, "GET …/reconcile did not answer; Redis side not checked"));
            return checks;
        }
        var soldPerRedis = reconciliation.InitialStock - reconciliation.RedisRemaining;
        checks.Add(new Check("orders == accepted == initial stock − Redis remaining",
            orders.Count == acceptedIds.Count && acceptedUnits == soldPerRedis,
            $"orders {orders.Count}, accepted {acceptedIds.Count} ({acceptedUnits} units), " +
            $"{reconciliation.InitialStock} − {reconciliation.RedisRemaining} = {soldPerRedis}"));
        checks.Add(new Check("nothing queued after the drain", reconciliation.PendingReservations == 0,
            $"{reconciliation.PendingReservations} reservation(s) not yet written"));
        checks.Add(new Check("reconciliation drift 0", reconciliation.Drift == 0, $"drift {reconciliation.Drift}"));
        return checks;
    }
}
