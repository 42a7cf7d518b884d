using Dapper;
using Mall.LoadTests.Scenarios;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.LoadTests;

/// <summary>
/// The invariant check the bench smoke relies on, run against real order rows in a fresh database: it passes on a
/// consistent sale and fails when one order row is lost.
/// </summary>
public sealed class SeckillInvariantTests(MallApp app) : IClassFixture<MallApp>
{
    private const long ActivityId = 4242;
    private const int Stock = 10;

    private async Task<List<AcceptedReservation>> SellAsync(int sold)
    {
        await using var db = await app.OpenDbAsync();
        var accepted = new List<AcceptedReservation>();
        var now = DateTime.UtcNow;
        for (var i = 0; i < sold; i++)
        {
            var reservation = $"r-{Guid.NewGuid():N}";
            await db.ExecuteAsync("""
                INSERT INTO orders (order_no, user_id, kind, status, total_cents, activity_id, reservation_id, created_at, updated_at, expires_at)
                VALUES (@OrderNo, @UserId, 'seckill', 'PendingPayment', 100, @ActivityId, @Reservation, @Now, @Now, @Expires)
                """, new { OrderNo = $"S{Guid.NewGuid():N}"[..30], UserId = 1000 + i, ActivityId, Reservation = reservation, Now = now, Expires = now.AddMinutes(15) });
            accepted.Add(new AcceptedReservation(reservation, 1000 + i, 1));
        }
        return accepted;
    }

    private static Reconciliation Consistent(int sold) => new(Stock, Stock - sold, 0, sold, 0);

    [Fact]
    public async Task A_consistent_sale_passes_every_invariant()
    {
        var accepted = await SellAsync(6);
        await using var db = await app.OpenDbAsync();

        var checks = SeckillInvariants.Evaluate(accepted, await SeckillInvariants.ReadOrdersAsync(db, ActivityId), Consistent(6), Stock, 1);

        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        await db.ExecuteAsync("DELETE FROM orders WHERE activity_id = @ActivityId", new { ActivityId });
    }

    [Fact]
    public async Task Deleting_one_order_row_fails_the_check()
    {
        var accepted = await SellAsync(6);
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("DELETE FROM orders WHERE reservation_id = @Id", new { Id = accepted[3].ReservationId });

        var checks = SeckillInvariants.Evaluate(accepted, await SeckillInvariants.ReadOrdersAsync(db, ActivityId), Consistent(6), Stock, 1);

        var lost = Assert.Single(checks, c => c.Name.StartsWith("no lost order"));
        Assert.False(lost.Passed);
        Assert.Contains(accepted[3].ReservationId, lost.Detail);
        Assert.False(Assert.Single(checks, c => c.Name.StartsWith("orders == accepted")).Passed);
        await db.ExecuteAsync("DELETE FROM orders WHERE activity_id = @ActivityId", new { ActivityId });
    }

    [Fact]
    public void A_shopper_over_the_limit_an_oversell_and_a_pending_backlog_each_fail()
    {
        var now = DateTime.UtcNow;
        var accepted = Enumerable.Range(0, 3).Select(i => new AcceptedReservation($"r{i}", 7, 1)).ToList();
        var orders = accepted.Select((a, i) => new SeckillOrderRow(i + 1, a.UserId, a.ReservationId, "PendingPayment", now)).ToList();

        var checks = SeckillInvariants.Evaluate(accepted, orders, new Reconciliation(2, 0, 1, 3, 1), initialStock: 2, limitPerUser: 1);

        Assert.False(Assert.Single(checks, c => c.Name.StartsWith("no shopper above the limit")).Passed);
        Assert.False(Assert.Single(checks, c => c.Name.StartsWith("no oversell")).Passed);
        Assert.False(Assert.Single(checks, c => c.Name == "nothing queued after the drain").Passed);
        Assert.False(Assert.Single(checks, c => c.Name == "reconciliation drift 0").Passed);
    }
}

/// <summary>The drain figures come from sampled row counts (order rows carry their reservation's time, not their write time).</summary>
public sealed class OrderRowWatcherTests
{
    private static readonly DateTime T0 = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);

    private static OrderRowWatcher.Sample At(int ms, long rows, long accepted) => new(T0.AddMilliseconds(ms), rows, accepted);

    [Fact]
    public void First_row_all_rows_and_the_peak_backlog_come_from_the_samples()
    {
        var samples = new[] { At(0, 0, 0), At(100, 0, 800), At(200, 0, 2000), At(300, 500, 2000), At(400, 1500, 2000), At(500, 2000, 2000), At(600, 2000, 2000) };

        var summary = OrderRowWatcher.Summarise(samples, finalRows: 2000);

        Assert.Equal(T0.AddMilliseconds(300), summary.FirstRowUtc);
        Assert.Equal(T0.AddMilliseconds(500), summary.AllRowsUtc);
        Assert.Equal(2000, summary.PeakBacklog);
    }

    [Fact]
    public void Rows_that_never_all_arrived_leave_the_end_unknown()
    {
        var summary = OrderRowWatcher.Summarise([At(0, 0, 10), At(100, 4, 10)], finalRows: 10);
        Assert.Equal(T0.AddMilliseconds(100), summary.FirstRowUtc);
        Assert.Null(summary.AllRowsUtc);
        Assert.Equal(10, summary.PeakBacklog);
    }
}
