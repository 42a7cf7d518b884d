using Dapper;
using MySqlConnector;

namespace Mall.LoadTests.Scenarios;

public sealed record SkuStock(long SkuId, long Stock, long Locked, long Sold);

/// <summary>An order of the run's SKUs as MySQL holds it; Units: its quantity of those SKUs.</summary>
public sealed record CheckoutOrderRow(string OrderNo, string Status, long Units);

/// <summary>An order request sent a second time with its Idempotency-Key; ReplayedOrderNo: what the second answer named
/// (null when it was no 201). Status 0: no answer (timeout, connection).</summary>
public sealed record OrderReplay(string Key, string FirstOrderNo, string? ReplayedOrderNo, int Status);

/// <summary>
/// The checkout invariants after a run, from what the shoppers were told (order numbers answered 201, replays) and what
/// MySQL holds (order rows and the SKUs' locked/sold columns, read in one snapshot). Pure, so a test can break one and
/// see its check fail.
/// </summary>
public static class CheckoutInvariants
{
    public const string ReadOrdersSql = """
        SELECT o.order_no AS OrderNo, o.status AS Status, CAST(SUM(i.quantity) AS SIGNED) AS Units
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE i.sku_id IN @Skus
        GROUP BY o.id, o.order_no, o.status
        """;

    public const string ReadStockSql = "SELECT id AS SkuId, CAST(stock AS SIGNED) AS Stock, CAST(locked AS SIGNED) AS Locked, CAST(sold AS SIGNED) AS Sold FROM skus WHERE id IN @Skus";

    /// <summary>Orders and stock in one consistent snapshot: an expiry pass cancelling an order between the two reads would
    /// otherwise show a difference that is not there.</summary>
    public static async Task<(IReadOnlyList<CheckoutOrderRow> Orders, IReadOnlyList<SkuStock> Stock)> ReadAsync(MySqlConnection db,
        IReadOnlyList<long> skuIds, CancellationToken ct)
    {
        await db.ExecuteAsync(new CommandDefinition("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", cancellationToken: ct));
        await db.ExecuteAsync(new CommandDefinition("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", cancellationToken: ct));
        try
        {
            var orders = (await db.QueryAsync<CheckoutOrderRow>(new CommandDefinition(ReadOrdersSql, new { Skus = skuIds }, cancellationToken: ct))).ToList();
            var stock = (await db.QueryAsync<SkuStock>(new CommandDefinition(ReadStockSql, new { Skus = skuIds }, cancellationToken: ct))).ToList();
            return (orders, stock);
        }
        finally
        {
            await db.ExecuteAsync(new CommandDefinition("COMMIT", cancellationToken: CancellationToken.None));
        }
    }

    /// <param name="answered">order numbers answered 201 (warm-up included)</param>
    /// <param name="unanswered">order requests that got no answer or a 5xx: each may have placed an order the shopper was not
    /// told about (a retry with its key would return it), so up to that many rows may be missing from <paramref name="answered"/></param>
    public static IReadOnlyList<Check> Evaluate(IReadOnlyCollection<string> answered, long unanswered, IReadOnlyList<CheckoutOrderRow> orders,
        IReadOnlyList<SkuStock> before, IReadOnlyList<SkuStock> after, IReadOnlyList<OrderReplay> replays)
    {
        var checks = new List<Check>();
        var told = answered.ToHashSet(StringComparer.Ordinal);
        var rows = orders.Select(o => o.OrderNo).ToHashSet(StringComparer.Ordinal);

        var lost = told.Where(no => !rows.Contains(no)).ToList();
        checks.Add(new Check("no lost order (every order answered 201 is an order row)", lost.Count == 0,
            lost.Count == 0 ? $"{told.Count:N0} answered, {rows.Count:N0} order rows"
                : $"{lost.Count:N0} order(s) answered 201 have no row, e.g. {string.Join(", ", lost.Take(3))}"));

        var phantom = orders.Where(o => !told.Contains(o.OrderNo)).ToList();
        checks.Add(new Check("no order beyond those answered 201 and those whose request failed", phantom.Count <= unanswered,
            phantom.Count == 0 ? "none"
                : $"{phantom.Count:N0} order row(s) never answered 201, e.g. {phantom[0].OrderNo}, against {unanswered:N0} order request(s) that got no answer or a 5xx"));

        // Every live order holds its units in locked (unpaid) or sold (paid and on); a cancelled one released them.
        var heldUnits = orders.Where(o => o.Status != "Cancelled").Sum(o => o.Units);
        var change = Held(after) - Held(before);
        var placedUnits = orders.Sum(o => o.Units);
        checks.Add(new Check("orders placed == change of locked + sold stock (cancelled orders released theirs)", change == heldUnits,
            $"{orders.Count:N0} orders of {placedUnits:N0} units, {orders.Count(o => o.Status == "Cancelled"):N0} cancelled: {heldUnits:N0} units held " +
            $"by orders, Δ(locked + sold) = {change:N0}"));

        var oversold = after.Where(s => s.Locked + s.Sold > s.Stock || s.Locked < 0 || s.Sold < 0).ToList();
        checks.Add(new Check("no oversell (0 ≤ locked, sold and locked + sold ≤ stock)", oversold.Count == 0,
            oversold.Count == 0 ? $"{after.Count} SKU(s)" : $"SKU {oversold[0].SkuId}: stock {oversold[0].Stock}, locked {oversold[0].Locked}, sold {oversold[0].Sold}"));

        var answeredReplays = replays.Where(r => r.Status != 0).ToList();
        var other = answeredReplays.Where(r => r.ReplayedOrderNo != r.FirstOrderNo).ToList();
        var silent = replays.Count - answeredReplays.Count;
        checks.Add(new Check("no duplicate order for a repeated Idempotency-Key (every replay answers the first order)", other.Count == 0,
            (other.Count == 0 ? $"{answeredReplays.Count:N0} replays answered the first order"
                : $"{other.Count:N0} of {answeredReplays.Count:N0} replays did not: e.g. {Describe(other[0])}") +
            (silent > 0 ? $"; {silent:N0} replay(s) got no answer (counted as errors)" : "")));
        return checks;
    }

    private static long Held(IReadOnlyList<SkuStock> stock) => stock.Sum(s => s.Locked + s.Sold);

    private static string Describe(OrderReplay r) => r.ReplayedOrderNo is null
        ? $"key {r.Key} answered {r.Status} instead of order {r.FirstOrderNo}"
        : $"key {r.Key} answered order {r.ReplayedOrderNo}, its first answer was {r.FirstOrderNo}";
}
