using System.Diagnostics;
using System.Text.Json;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Reporting;
using Mall.LoadTests.Scenarios;

namespace Mall.Tests.LoadTests;

public sealed class ReportTests
{
    private static RunReport Sample(bool checkPassed = true)
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats("attempt", start);
        for (var i = 0; i < 200; i++) step.Record(start, start + Stopwatch.Frequency / 100, 202, null);
        var lua = new StepStats("lua", start);
        for (var i = 0; i < 400; i++) lua.Record(start, start + Stopwatch.Frequency / 100, 202, null);
        var steps = new[] { step.Summarize() };
        var baselines = new Dictionary<string, StepSummary> { ["lua"] = lua.Summarize() };
        var targets = new[] { new RatioTarget("attempt vs lua", ["attempt"], "lua", 0.6, 25, "≥ 60 %") };
        return new RunReport("seckill", "test", DateTimeOffset.UtcNow, "http://127.0.0.1:5280/", "closed, 4 connections", 0,
            Machine.Current(), steps, baselines, ReportBuilder.Ratios(targets, steps, baselines),
            [new Check("no lost order", checkPassed, "detail")], [], null, ["a note"]);
    }

    [Fact]
    public void The_html_page_is_self_contained_with_both_charts()
    {
        var html = ReportFiles.Html(Sample());

        Assert.Equal(2, html.Split("<svg").Length - 1);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("href=", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
    }

    [Fact]
    public void The_ratio_compares_the_step_with_its_same_run_baseline()
    {
        var ratio = Assert.Single(Sample().Ratios);

        Assert.Equal(0.5, ratio.Ratio, 6);
        Assert.False(ratio.Met);
    }

    [Fact]
    public void A_p99_bound_relative_to_the_baseline_is_judged_against_the_mean_of_its_measurements()
    {
        var start = Stopwatch.GetTimestamp();
        StepSummary Step(string name, int requests, double ms)
        {
            var stats = new StepStats(name, start);
            for (var i = 0; i < requests; i++) stats.Record(start, start + (long)(Stopwatch.Frequency * ms / 1000), 202, null);
            return stats.Summarize();
        }
        var steps = new[] { Step("attempt", 300, 24) };
        // Before 10 ms, after 30 ms: their mean (20 ms) bounds the shop's p99 at 25 ms, where the worse of the two would allow 37.5.
        var baselines = new Dictionary<string, StepSummary> { ["lua (before)"] = Step("lua", 400, 10), ["lua (after)"] = Step("lua", 400, 30) };
        RatioResult Judge(double maxRatio) => Assert.Single(ReportBuilder.Ratios(
            [new RatioTarget("attempt vs lua", ["attempt"], "lua", null, null, "p99 ≤ × bare", MaxP99Ratio: maxRatio)], steps, baselines));

        var within = Judge(1.25);
        Assert.Equal(20, within.BaselineP99Ms, 0);
        Assert.True(within.Met);
        Assert.False(Judge(1.1).Met);
    }

    [Fact]
    public void A_failed_check_fails_the_report_and_all_three_files_are_written()
    {
        var folder = Directory.CreateTempSubdirectory("mall-report-").FullName;
        try
        {
            var report = Sample(checkPassed: false);
            ReportFiles.Write(report, folder);

            Assert.False(report.Passed);
            Assert.Contains("FAILED", File.ReadAllText(Path.Combine(folder, "report.md")));
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
            Assert.Equal(200, json.RootElement.GetProperty("steps")[0].GetProperty("requests").GetInt64());
            Assert.True(File.Exists(Path.Combine(folder, "report.html")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}

public sealed class ThresholdTests
{
    private static StepSummary Step(string name, int requests, int failed, double latencyMs)
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats(name, start);
        for (var i = 0; i < requests; i++)
            step.Record(start, start + (long)(latencyMs * Stopwatch.Frequency / 1000), 200, i < failed ? "HTTP 500" : null);
        return step.Summarize();
    }

    [Fact]
    public void Each_threshold_fails_only_when_crossed()
    {
        var settings = new Mall.LoadTests.Cli.BenchSettings { MaxP99Ms = 50, MaxErrorRate = 0.05 };
        var steps = new[] { Step("fast", 100, 0, 10), Step("slow", 100, 12, 80) }; // 12 errors of 200 = 6 %

        var checks = ReportBuilder.Thresholds(settings, steps);

        Assert.True(Assert.Single(checks, c => c.Name.StartsWith("fast: p99")).Passed);
        Assert.False(Assert.Single(checks, c => c.Name.StartsWith("slow: p99")).Passed);
        Assert.False(Assert.Single(checks, c => c.Name.StartsWith("error rate")).Passed);
        Assert.True(ReportBuilder.Thresholds(new Mall.LoadTests.Cli.BenchSettings { MaxErrorRate = 0.06 }, steps).Single().Passed);
    }
}
