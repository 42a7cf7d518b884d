using System.Globalization;
using System.Text.Json;
using Dapper;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// An operator's reads on a big shop (seed it first: ./mall bench seed-orders): the dashboard, then the admin order
/// list newest first, by status, by kind, over one day, for one shopper, by order number, a deep page, and a deep page
/// of one status over a week. One iteration runs every step once; each step is a query shape with its own p95, and
/// the run fails on any error or any step's p95 over 200 ms (--max-p95-ms, --max-error-rate move the bounds).
/// </summary>
public sealed class DashboardScenario(DashboardSettings settings) : Scenario
{
    private const int PageSize = 20;
    private static readonly string[] Statuses = ["Paid", "Shipped", "Completed", "Cancelled", "PendingPayment", "Refunded"];

    private string _token = "";
    private long _orders;
    private (string Account, long UserId)[] _shoppers = [];
    private string[] _orderNos = [];
    private DateTime _today;

    public override string Name => "dashboard";
    public override string Description =>
        $"dashboard and admin order searches over {_orders:N0} orders ({_shoppers.Length} shoppers, deep page {settings.DeepPage} of {PageSize})";

    public override string Operation => "dashboard and order-search answers";
    public override long CompletedOperations(IReadOnlyList<StepSummary> steps) => Succeeded(steps);

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        var admin = await context.Shop.AdminAsync(ct);
        _token = admin.AccessToken;
        await using (var db = await context.Shop.OpenAsync())
        {
            _orders = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM orders", cancellationToken: ct));
            if (_orders == 0) throw new RunFailure("The shop has no orders to search: seed them first with ./mall bench seed-orders.");
            _shoppers = (await db.QueryAsync<(string, long)>(new CommandDefinition("""
                SELECT u.account, u.id FROM users u
                JOIN (SELECT DISTINCT user_id FROM orders ORDER BY id DESC LIMIT 5000) o ON o.user_id = u.id
                ORDER BY u.id LIMIT @Accounts
                """, new { settings.Accounts }, cancellationToken: ct))).ToArray();
            _orderNos = (await db.QueryAsync<string>(new CommandDefinition(
                "SELECT order_no FROM orders ORDER BY id DESC LIMIT 1000", cancellationToken: ct))).ToArray();
        }
        // The shop's day (Asia/Shanghai, UTC+8) in which the date-range steps pick their days.
        _today = DateTime.SpecifyKind(DateTime.UtcNow.AddHours(8).Date.AddHours(-8), DateTimeKind.Utc);
        using var probe = Get("/api/v1/admin/dashboard", _token);
        await ReadOkAsync(await context.SetupHttp.SendAsync(probe, ct), "The dashboard API is needed (GET /api/v1/admin/dashboard)");
    }

    public override Phase? Warmup => Operator;
    public override IReadOnlyList<Phase> Phases => [Operator];

    private static string Iso(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Each step's query string for iteration <paramref name="i"/>: the same shapes every time, the values cycling.</summary>
    public IReadOnlyList<(string Step, string Query)> Queries(long i)
    {
        var day = _today.AddDays(-(i % 30));
        var week = _today.AddDays(-7 - i % 21);
        var shopper = _shoppers.Length == 0 ? "" : _shoppers[i % _shoppers.Length].Account;
        var orderNo = _orderNos.Length == 0 ? "" : _orderNos[i % _orderNos.Length];
        return
        [
            ("orders: newest", $"page=1&pageSize={PageSize}"),
            ("orders: status", $"status={Statuses[i % Statuses.Length]}&page=1&pageSize={PageSize}"),
            ("orders: kind", $"kind=seckill&page=1&pageSize={PageSize}"),
            ("orders: one day", $"from={Iso(day)}&to={Iso(day.AddDays(1))}&page=1&pageSize={PageSize}"),
            ("orders: shopper", $"account={Uri.EscapeDataString(shopper)}&page=1&pageSize={PageSize}"),
            ("orders: order no", $"orderNo={orderNo}&page=1&pageSize={PageSize}"),
            ("orders: deep page", $"page={settings.DeepPage}&pageSize={PageSize}"),
            ("orders: status + week, deep", $"status=Completed&from={Iso(week)}&to={Iso(week.AddDays(7))}&page={Math.Max(1, settings.DeepPage / 5)}&pageSize={PageSize}"),
        ];
    }

    public static readonly string[] StepNames =
    [
        "dashboard", "orders: newest", "orders: status", "orders: kind", "orders: one day", "orders: shopper", "orders: order no",
        "orders: deep page", "orders: status + week, deep",
    ];

    private bool Runs(string step) => settings.Only is null || step.StartsWith(settings.Only, StringComparison.Ordinal);

    private Phase Operator => new("operator", async (context, ct) =>
    {
        if (Runs("dashboard")) await context.StepAsync("dashboard", () => Get("/api/v1/admin/dashboard", _token), Only(200), ct);
        foreach (var (step, query) in Queries(context.Index).Where(q => Runs(q.Step)))
            await context.StepAsync(step, () => Get($"/api/v1/admin/orders?{query}", _token), Only(200), ct);
    });

    /// <summary>
    /// Whether the list really applied each filter (an API that ignores one answers 200 with the unfiltered list, and
    /// that step's figure measures the wrong query): stated in the report for each filter it ignored.
    /// </summary>
    public override async Task<ScenarioOutcome> VerifyAsync(ScenarioContext context, CancellationToken ct)
    {
        var notes = new List<string>();
        // Iteration 3: a day three days back, so the newest orders (today's) cannot pass for that day's by chance.
        const int sample = 3;
        var queries = Queries(sample).ToDictionary(q => q.Step, q => q.Query);
        var day = _today.AddDays(-sample);
        async Task<JsonElement[]> ItemsAsync(string step)
        {
            if (!Runs(step)) return [];
            try
            {
                using var request = Get($"/api/v1/admin/orders?{queries[step]}", _token);
                var page = await ReadOkAsync(await context.SetupHttp.SendAsync(request, ct), step);
                return page.GetProperty("items").EnumerateArray().ToArray();
            }
            catch (Exception e) when (e is RunFailure or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The run's own figures stand; only this check could not be made.
                notes.Add($"{step}: could not check that the filter was applied ({e.Message.Split('\n')[0]}).");
                return [];
            }
        }
        void Expect(string step, string filter, IEnumerable<JsonElement> items, Func<JsonElement, bool> fits)
        {
            if (Runs(step) && !items.All(fits)) notes.Add($"{step}: the API ignored the {filter} filter (its answer holds other orders), so this step measured the unfiltered list.");
        }
        Expect("orders: status", "status", await ItemsAsync("orders: status"), o => o.GetProperty("status").GetString() == Statuses[sample]);
        Expect("orders: kind", "kind", await ItemsAsync("orders: kind"), o => o.GetProperty("kind").GetString() == "seckill");
        Expect("orders: one day", "from/to", await ItemsAsync("orders: one day"),
            o => o.GetProperty("createdAt").GetDateTime().ToUniversalTime() is var at && at >= day && at < day.AddDays(1));
        if (_shoppers.Length > 0)
            Expect("orders: shopper", "account", await ItemsAsync("orders: shopper"),
                o => o.TryGetProperty("userId", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt64() == _shoppers[sample % _shoppers.Length].UserId);
        if (_orderNos.Length > 0)
            Expect("orders: order no", "orderNo", await ItemsAsync("orders: order no"), o => o.GetProperty("orderNo").GetString() == _orderNos[sample % _orderNos.Length]);
        notes.Add($"{_orders:N0} orders in the database; each step's p95 must stay ≤ {settings.MaxP95Ms ?? settings.DefaultMaxP95Ms} ms.");
        return new ScenarioOutcome([], null, notes);
    }
}
