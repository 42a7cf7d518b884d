using Mall.LoadTests.Scenarios;

namespace Mall.Tests.LoadTests;

/// <summary>
/// The checkout run's checks against MySQL: a clean run passes all of them, and each kind of damage (a lost order, an
/// order nobody was told about, stock that does not match the orders, a replayed key that placed a second order) fails
/// exactly its check.
/// </summary>
public sealed class CheckoutInvariantTests
{
    private static readonly SkuStock[] Before = [new(1, 1000, 0, 0), new(2, 1000, 0, 0)];

    /// <summary>Four orders on two SKUs, three cancelled: one unit stays locked on SKU 2.</summary>
    private static (string[] Answered, List<CheckoutOrderRow> Rows, SkuStock[] After, List<OrderReplay> Replays) Clean() =>
    (
        ["A", "B", "C", "D"],
        [new("A", "Cancelled", 1), new("B", "Cancelled", 1), new("C", "Cancelled", 1), new("D", "PendingPayment", 1)],
        [new(1, 1000, 0, 0), new(2, 1000, 1, 0)],
        [new("k1", "A", "A", 201), new("k4", "D", "D", 201)]
    );

    [Fact]
    public void A_clean_run_passes_every_check()
    {
        var (answered, rows, after, replays) = Clean();

        var checks = CheckoutInvariants.Evaluate(answered, 0, rows, Before, after, replays);

        Assert.Equal(5, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
    }

    [Fact]
    public void An_order_answered_201_without_a_row_is_lost()
    {
        var (answered, rows, after, replays) = Clean();
        rows.RemoveAll(r => r.OrderNo == "B");

        var checks = CheckoutInvariants.Evaluate(answered, 0, rows, Before, after, replays);

        var lost = Assert.Single(checks, c => !c.Passed);
        Assert.StartsWith("no lost order", lost.Name);
        Assert.Contains("e.g. B", lost.Detail);
    }

    [Fact]
    public void A_row_nobody_was_told_about_fails_unless_a_request_went_unanswered()
    {
        var (answered, rows, after, replays) = Clean();
        rows.Add(new CheckoutOrderRow("E", "Cancelled", 1));

        Assert.StartsWith("no order beyond", Assert.Single(CheckoutInvariants.Evaluate(answered, 0, rows, Before, after, replays), c => !c.Passed).Name);
        // One order request timed out or got a 5xx: the shop may have placed it (a retry with its key returns it).
        Assert.All(CheckoutInvariants.Evaluate(answered, 1, rows, Before, after, replays), c => Assert.True(c.Passed, c.Name));
    }

    [Fact]
    public void Stock_that_does_not_match_the_live_orders_fails()
    {
        var (answered, rows, _, replays) = Clean();

        // D is unpaid but its unit was not locked (or a cancel did not release one): Δ(locked + sold) = 0 or 2, not 1.
        foreach (var after in new[] { new SkuStock[] { new(1, 1000, 0, 0), new(2, 1000, 0, 0) }, [new(1, 1000, 1, 0), new(2, 1000, 1, 0)] })
        {
            var failed = Assert.Single(CheckoutInvariants.Evaluate(answered, 0, rows, Before, after, replays), c => !c.Passed);
            Assert.StartsWith("orders placed == change of locked + sold stock", failed.Name);
        }
    }

    [Fact]
    public void Oversold_stock_fails()
    {
        var (answered, rows, _, replays) = Clean();
        SkuStock[] after = [new(1, 1000, 0, 0), new(2, 0, 1, 0)];

        Assert.StartsWith("no oversell", Assert.Single(CheckoutInvariants.Evaluate(answered, 0, rows, Before, after, replays), c => !c.Passed).Name);
    }

    [Fact]
    public void A_replayed_key_that_answers_another_order_or_a_refusal_is_a_duplicate()
    {
        var (answered, rows, after, _) = Clean();

        foreach (var replay in new[] { new OrderReplay("k1", "A", "Z", 201), new OrderReplay("k1", "A", null, 409) })
        {
            var failed = Assert.Single(CheckoutInvariants.Evaluate(answered, 0, rows, Before, after, [replay]), c => !c.Passed);
            Assert.StartsWith("no duplicate order for a repeated Idempotency-Key", failed.Name);
            Assert.Contains("key k1", failed.Detail);
        }
        // A replay that got no answer at all is an error of the run, not a duplicate.
        Assert.All(CheckoutInvariants.Evaluate(answered, 0, rows, Before, after, [new OrderReplay("k1", "A", null, 0)]), c => Assert.True(c.Passed, c.Name));
    }
}
