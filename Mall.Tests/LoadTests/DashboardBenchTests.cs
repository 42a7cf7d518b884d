using System.Diagnostics;
using Dapper;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Reporting;
using Mall.LoadTests.Shop;
using Mall.Tests.Infrastructure;
using Spectre.Console;
using LoadTestCli = Mall.LoadTests.Program;

namespace Mall.Tests.LoadTests;

/// <summary>The options of seed-orders and dashboard, and the p95 bound (nothing here reaches a shop).</summary>
public sealed class DashboardBenchArgumentTests
{
    private static (int ExitCode, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400;
        var code = LoadTestCli.Run(args, console);
        return (code, output.ToString());
    }

    [Theory]
    [InlineData("dashboard --deep-page 0", "--deep-page must be between 1 and 1000 (got 0)")]
    [InlineData("dashboard --deep-page 1001", "--deep-page must be between 1 and 1000 (got 1001)")]
    [InlineData("dashboard --accounts 0", "--accounts must be between 1 and 10000 (got 0)")]
    [InlineData("dashboard --max-p95-ms 0", "--max-p95-ms must be positive")]
    [InlineData("browse --max-p95-ms -3", "--max-p95-ms must be positive")]
    [InlineData("dashboard --model open", "--model open needs --rate > 0")]
    [InlineData("dashboard --only refunds", "--only names no step (got 'refunds'")]
    [InlineData("seed-orders --orders 0", "--orders must be between 1 and 20000000 (got 0)")]
    [InlineData("seed-orders --orders 20000001", "--orders must be between 1 and 20000000")]
    [InlineData("seed-orders --days 0", "--days must be between 1 and 366 (got 0)")]
    [InlineData("seed-orders --shoppers 0", "--shoppers must be between 1 and 1000000")]
    [InlineData("seed-orders --products 0", "--products must be between 1 and 100000")]
    [InlineData("seed-orders --batch 0", "--batch must be between 1 and 20000")]
    [InlineData("seed-orders --writers 17", "--writers must be between 1 and 16")]
    public void Invalid_values_exit_2_with_a_message_naming_the_option(string args, string message)
    {
        var (code, output) = Run(args.Split(' '));

        Assert.Equal(2, code);
        Assert.Contains(message, output);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData("seed-orders", "--orders", "many")]
    [InlineData("seed-orders", "--connections", "4")] // a load option: seed-orders sends no load
    [InlineData("dashboard", "--deep-page", "deep")]
    public void Unparseable_or_foreign_options_exit_2_without_a_stack_trace(params string[] args)
    {
        var (code, output) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains("error", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void The_help_lists_the_new_commands_and_options()
    {
        var (_, root) = Run("--help");
        Assert.Contains("seed-orders", root);
        Assert.Contains("dashboard", root);

        var (code, seed) = Run("seed-orders", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--orders", seed);
        Assert.Contains("--days", seed);
        Assert.DoesNotContain("--watch-pid", seed);

        var (_, dashboard) = Run("dashboard", "--help");
        Assert.Contains("--max-p95-ms", dashboard);
        Assert.Contains("--deep-page", dashboard);
    }

    [Fact]
    public void Seed_orders_takes_the_pids_mall_bench_passes_and_reports_an_unreachable_database_as_exit_3()
    {
        var (code, output) = Run("seed-orders", "--orders", "10", "--watch-pid", "1",
            "--mysql", "Server=127.0.0.1;Port=9;Database=none;User ID=nobody;Password=x;Connection Timeout=2");

        Assert.Equal(3, code);
        Assert.Contains("refused the seed", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void Dashboard_passes_validation_then_looks_for_the_shop()
    {
        var (code, output) = Run("dashboard", "--deep-page", "1000", "--only", "orders: deep", "--base-url", "http://127.0.0.1:9", "--no-live");

        Assert.Equal(3, code);
        Assert.Contains("does not answer", output);
    }
}

public sealed class P95ThresholdTests
{
    private static StepSummary Step(string name, int requests, int failed, double slowMs, int slow)
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats(name, start);
        for (var i = 0; i < requests; i++)
        {
            var ms = i < slow ? slowMs : 10;
            step.Record(start, start + (long)(ms * Stopwatch.Frequency / 1000), 200, i < failed ? "HTTP 500" : null);
        }
        return step.Summarize();
    }

    [Fact]
    public void P95_is_measured_and_fails_only_when_crossed()
    {
        // 4 % slow: p95 stays at 10 ms while p99 is 300 ms; 6 % slow: p95 is 300 ms.
        var steps = new[] { Step("tail", 100, 0, 300, 4), Step("wide", 100, 0, 300, 6) };
        Assert.Equal(10, steps[0].P95Ms, 0.1);
        Assert.Equal(300, steps[0].P99Ms, 1);
        Assert.Equal(300, steps[1].P95Ms, 1);

        var checks = ReportBuilder.Thresholds(new BenchSettings { MaxP95Ms = 200 }, steps);

        Assert.True(Assert.Single(checks, c => c.Name == "tail: p95 ≤ 200 ms").Passed);
        Assert.False(Assert.Single(checks, c => c.Name == "wide: p95 ≤ 200 ms").Passed);
        // Without options only the default error-rate bound (1 %) applies.
        Assert.Equal("error rate ≤ 1.0 %", Assert.Single(ReportBuilder.Thresholds(new BenchSettings(), steps)).Name);
    }

    [Fact]
    public void Dashboard_fails_on_any_error_or_a_p95_over_200_ms_unless_told_otherwise()
    {
        var steps = new[] { Step("dashboard", 1000, 1, 250, 60) };

        var checks = ReportBuilder.Thresholds(new DashboardSettings(), steps);
        Assert.False(Assert.Single(checks, c => c.Name == "dashboard: p95 ≤ 200 ms").Passed);
        Assert.False(Assert.Single(checks, c => c.Name.StartsWith("error rate")).Passed);

        var loose = ReportBuilder.Thresholds(new DashboardSettings { MaxP95Ms = 300, MaxErrorRate = 0.01 }, steps);
        Assert.All(loose, c => Assert.True(c.Passed, c.Name));
    }

    [Fact]
    public void The_report_has_a_p95_column()
    {
        var steps = new[] { Step("dashboard", 100, 0, 300, 6) };
        var report = new RunReport("dashboard", "test", DateTimeOffset.UtcNow, "http://127.0.0.1:5080/", "closed", 0, Machine.Current(), steps,
            new Dictionary<string, StepSummary>(), [], [], ReportBuilder.Thresholds(new DashboardSettings(), steps), null, []);
        var folder = Directory.CreateTempSubdirectory("mall-report-").FullName;
        try
        {
            ReportFiles.Write(report, folder);
            var markdown = File.ReadAllText(Path.Combine(folder, "report.md"));
            Assert.Contains("| p90 | p95 | p99 |", markdown);
            // The alignment row has as many columns as the header (else the table does not render).
            var lines = markdown.Split('\n');
            var header = Array.FindIndex(lines, l => l.StartsWith("| step |"));
            Assert.Equal(lines[header].Count(c => c == '|'), lines[header + 1].Count(c => c == '|'));
            Assert.Contains("dashboard: p95 ≤ 200 ms", markdown);
            Assert.Contains("<th>p95</th>", File.ReadAllText(Path.Combine(folder, "report.html")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}

/// <summary>seed-orders against a real, migrated database.</summary>
public sealed class OrderSeederTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task Seeds_a_consistent_history_and_only_tops_up()
    {
        var seeder = new OrderSeeder(app.ConnectionString);

        var first = await seeder.SeedAsync(1_200, days: 30, shoppers: 50, products: 12, batch: 500, writers: 2, seed: 1, _ => { }, CancellationToken.None);

        Assert.Equal((0L, 1_200L), (first.OrdersBefore, first.OrdersWritten));
        await using var db = await app.OpenDbAsync();
        Assert.Equal(1_200, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders"));
        Assert.Equal(first.ItemsWritten, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM order_items"));
        // Every order's total is its items' sum; paid statuses have paid_at, cancelled ones cancelled_at, nothing is in the future.
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("""
            SELECT COUNT(*) FROM orders o
            WHERE o.total_cents <> (SELECT SUM(i.price_cents * i.quantity) FROM order_items i WHERE i.order_id = o.id)
               OR (o.status IN ('Paid', 'Shipped', 'Completed', 'Refunding', 'Refunded')) <> (o.paid_at IS NOT NULL)
               OR (o.status = 'Cancelled') <> (o.cancelled_at IS NOT NULL)
               OR (o.status IN ('Shipped', 'Completed')) <> (o.shipped_at IS NOT NULL)
               OR o.created_at > UTC_TIMESTAMP(3) OR o.paid_at > UTC_TIMESTAMP(3) OR o.completed_at > UTC_TIMESTAMP(3)
               OR o.created_at < UTC_TIMESTAMP(3) - INTERVAL 30 DAY - INTERVAL 1 MINUTE
            """));
        var statuses = (await db.QueryAsync<(string Status, long Orders)>("SELECT status, COUNT(*) FROM orders GROUP BY status")).ToDictionary();
        Assert.InRange(statuses["Completed"], 400, 900);
        Assert.InRange(statuses["Cancelled"], 250, 550);
        Assert.InRange(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE kind = 'seckill'"), 40, 200);

        var again = await seeder.SeedAsync(1_000, 30, 50, 12, 500, 2, 1, _ => { }, CancellationToken.None);
        Assert.Equal(0, again.OrdersWritten);
        var more = await seeder.SeedAsync(1_300, 30, 50, 12, 500, 2, 2, _ => { }, CancellationToken.None);
        Assert.Equal(100, more.OrdersWritten);
        Assert.Equal(1_300, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders"));
        Assert.Equal(12, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM products WHERE subtitle = 'seed-orders'"));
    }
}

/// <summary>seed-orders keeps the SKU counters the shop's own workers move (a recent history has unpaid orders).</summary>
public sealed class OrderSeederStockTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task Unpaid_orders_hold_their_units_paid_ones_have_sold_them_and_no_seckill_order_is_left_unpaid()
    {
        // One day of 3,000 orders: about 30 are placed within the 15 minutes an unpaid order lives.
        await new OrderSeeder(app.ConnectionString).SeedAsync(3_000, days: 1, shoppers: 50, products: 6, batch: 400, writers: 3, seed: 7,
            _ => { }, CancellationToken.None);

        await using var db = await app.OpenDbAsync();
        Assert.InRange(await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE status = 'PendingPayment'"), 5, 200);
        // The seckill expiry would try to return such an order's unit to an activity it does not have.
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders WHERE kind = 'seckill' AND status = 'PendingPayment'"));
        var mismatched = (await db.QueryAsync<string>("""
            SELECT CONCAT(id, ': locked ', locked, ' vs ', held, ', sold ', sold, ' vs ', paid_for) FROM (
              SELECT s.id, s.locked, s.sold,
                     COALESCE(SUM(CASE WHEN o.status = 'PendingPayment' THEN i.quantity END), 0) AS held,
                     COALESCE(SUM(CASE WHEN o.status IN ('Paid', 'Shipped', 'Completed', 'Refunding') THEN i.quantity END), 0) AS paid_for
              FROM skus s JOIN products p ON p.id = s.product_id AND p.subtitle = 'seed-orders'
              LEFT JOIN order_items i ON i.sku_id = s.id LEFT JOIN orders o ON o.id = i.order_id
              GROUP BY s.id, s.locked, s.sold) counters
            WHERE locked <> held OR sold <> paid_for
            """)).ToList();
        Assert.True(mismatched.Count == 0, "SKU counters that disagree with the seeded orders: " + string.Join("; ", mismatched));
    }
}
