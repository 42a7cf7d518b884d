using System.Diagnostics;
using Mall.LoadTests.Baseline;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Reporting;
using Mall.LoadTests.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using LoadTestCli = Mall.LoadTests.Program;

namespace Mall.Tests.LoadTests;

/// <summary>
/// A benchmark that fails must say so: a run whose requests mostly failed, or that did none of its scenario's business
/// operations, is FAILED with the reason and exit 1 — the newcomer's run (239,653 requests, all 401, 0 orders) said PASSED.
/// </summary>
public sealed class VerdictTests
{
    private static StepSummary Step(string name, int requests, int failed, string error = "HTTP 500", int status = 200)
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats(name, start);
        for (var i = 0; i < requests; i++)
            step.Record(start, start + Stopwatch.Frequency / 100, i < failed ? int.Parse(error[5..]) : status, i < failed ? error : null);
        return step.Summarize();
    }

    private static RunReport Report(IReadOnlyList<StepSummary> steps, IReadOnlyList<Check> thresholds) =>
        new("checkout", "test", DateTimeOffset.UtcNow, "http://127.0.0.1:5080/", "closed, 64 connections", 0, Machine.Current(), steps,
            new Dictionary<string, StepSummary>(), [], [], thresholds, null, []);

    [Fact]
    public void The_error_rate_bound_is_1_percent_unless_told_otherwise()
    {
        var steps = new[] { Step("cart", 1000, 5), Step("order", 1000, 16) }; // 21 of 2,000 = 1.05 %

        var byDefault = Assert.Single(ReportBuilder.Thresholds(new BenchSettings(), steps));
        Assert.Equal("error rate ≤ 1.0 %", byDefault.Name);
        Assert.False(byDefault.Passed);
        Assert.Contains("1.05 % of 2,000 requests failed", byDefault.Detail);
        Assert.True(Assert.Single(ReportBuilder.Thresholds(new BenchSettings { MaxErrorRate = 0.02 }, steps)).Passed);
        Assert.True(Assert.Single(ReportBuilder.Thresholds(new BenchSettings(), [Step("cart", 1000, 10)])).Passed); // exactly 1 %
    }

    [Fact]
    public void A_run_of_401s_with_no_order_placed_fails_with_both_reasons_and_a_hint()
    {
        var steps = new[] { Step("cart", 239_653, 239_653, "HTTP 401") };
        var thresholds = ReportBuilder.Thresholds(new CheckoutSettings(), steps).Append(Verdict.Completed("orders placed", 0)).ToList();

        var report = Report(steps, thresholds);

        Assert.False(report.Passed);
        Assert.Equal(2, report.FailureReasons.Count);
        Assert.Contains(report.FailureReasons, r => r.StartsWith("error rate ≤ 1.0 % — 100.00 % of 239,653 requests failed (most: HTTP 401 × 239,653)"));
        Assert.Contains(report.FailureReasons, r => r.Contains("signing key"));
        Assert.Contains(report.FailureReasons, r => r.StartsWith("orders placed > 0 — 0 orders placed"));
        Assert.Contains("result: **FAILED**: error rate", ReportFiles.Markdown(report));
    }

    [Fact]
    public void Zero_business_operations_fail_even_without_a_single_error()
    {
        var steps = new[] { Step("attempt", 500, 0, status: 410) };
        var report = Report(steps, [.. ReportBuilder.Thresholds(new SeckillSettings(), steps), Verdict.Completed("attempts accepted", 0)]);

        Assert.False(report.Passed);
        Assert.Equal("attempts accepted > 0 — 0 attempts accepted: the run measured nothing the scenario exists for", Assert.Single(report.FailureReasons));
        Assert.True(Verdict.Completed("attempts accepted", 1).Passed);
    }

    [Fact]
    public void No_request_at_all_fails_the_error_rate_check()
    {
        var check = Verdict.ErrorRate([], 0.01);

        Assert.False(check.Passed);
        Assert.Equal("no requests were made", check.Detail);
    }

    [Fact]
    public void The_console_names_every_reason_under_result_failed()
    {
        var steps = new[] { Step("order", 100, 100, "HTTP 401") };
        var report = Report(steps, [.. ReportBuilder.Thresholds(new CheckoutSettings(), steps), Verdict.Completed("orders placed", 0)]);
        var (console, output) = Console();

        ConsoleView.Final(console, report, "/tmp/report");

        var text = output.ToString();
        Assert.Contains("RESULT: FAILED (2 failed check(s)):", text);
        Assert.Contains("✘ error rate ≤ 1.0 % — 100.00 % of 100 requests failed", text);
        Assert.Contains("✘ orders placed > 0 — 0 orders placed", text);
        Assert.DoesNotContain("RESULT: PASSED", text);
    }

    internal static (IAnsiConsole, StringWriter) Console()
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
        return (console, output);
    }

    /// <summary>
    /// The whole CLI against a stand-in "shop" that is up but refuses every product page (as another shop refuses this data
    /// dir's tokens): exit 1, RESULT: FAILED naming the error rate and the zero pages, and the report says FAILED too.
    /// </summary>
    [Fact]
    public async Task A_browse_run_against_a_shop_that_refuses_its_pages_exits_1_and_says_why()
    {
        var port = BaselineRun.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        await using var shop = builder.Build();
        shop.MapGet("/health/live", () => Results.Ok());
        shop.MapGet("/api/v1/products", () => Results.Json(new { items = new[] { new { id = 1 } } }));
        shop.MapGet("/api/v1/categories", () => Results.Json(Array.Empty<object>()));
        shop.MapGet("/api/v1/products/{id}", () => Results.StatusCode(401));
        await shop.StartAsync();
        var folder = Directory.CreateTempSubdirectory("mall-verdict-").FullName;
        try
        {
            var (console, output) = Console();

            var code = await Task.Run(() => LoadTestCli.Run(["browse", "--base-url", $"http://127.0.0.1:{port}", "-c", "2", "-d", "1", "--warmup", "0",
                "--no-live", "--report-dir", folder], console));

            var text = output.ToString();
            Assert.Equal(1, code);
            Assert.Contains("RESULT: FAILED", text);
            Assert.Contains("✘ error rate ≤ 1.0 %", text);
            Assert.Contains("(most: HTTP 401 ×", text);
            Assert.Contains("✘ product pages served > 0 — 0 product pages served", text);
            Assert.Contains("result: **FAILED**", File.ReadAllText(Path.Combine(folder, "report.md")));
        }
        finally
        {
            await shop.StopAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
