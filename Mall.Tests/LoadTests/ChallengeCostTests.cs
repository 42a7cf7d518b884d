using System.Diagnostics;
using System.Text.Json;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Reporting;
using Mall.LoadTests.Scenarios;
using Mall.LoadTests.Shop;

namespace Mall.Tests.LoadTests;

public sealed class ChallengeCostTests
{
    private static ChallengeCost Cost(bool refusedAgain = false)
    {
        var meter = new ChallengeMeter(200);
        // Shoppers 0..99 solve once: i*100 hashes and i ms each; shopper 7 retries (a second solve); shoppers 100..199 never solve.
        for (var i = 0; i < 100; i++)
        {
            meter.Solved(i, 12, 12, new SolvedChallenge("0", (i + 1) * 100, (i + 1) * 1_000_000, true));
            meter.TokenIssued();
        }
        meter.Rejected();
        meter.Retried();
        meter.Solved(7, 12, 12, new SolvedChallenge("0", 10_000, 10_000_000, true));
        if (refusedAgain)
        {
            meter.Rejected();
            meter.StillRejected();
        }
        return meter.Summarise(12);
    }

    [Fact]
    public void The_cost_is_per_shopper_with_retries_added_to_the_shopper()
    {
        var cost = Cost();

        Assert.Equal(100, cost.Shoppers);
        Assert.Equal(101, cost.Challenges);
        Assert.Equal(100, cost.Tokens);
        Assert.Equal(100L * 101 / 2 * 100 + 10_000, cost.TotalHashes);
        Assert.Equal((5050 + 10) / 1000.0, cost.TotalCpuSeconds, 9);
        Assert.Equal("thread", cost.CpuClock);
        Assert.Equal(4096, cost.ExpectedHashesPerChallenge);
        Assert.Equal(cost.TotalHashes / 100.0, cost.HashesPerToken, 9);
        Assert.Equal(50.6, cost.CpuMsPerToken, 9);
        Assert.Equal(cost.TotalHashes / cost.TotalCpuSeconds, cost.HashesPerCpuSecond, 6);
        // Shopper 7: 800 + 10,000 hashes. Sorted: 100, 200, …, so p50 is the 50th value and p99 the 99th.
        Assert.Equal(5100, cost.HashesPerShopper.P50);
        Assert.Equal(10_000, cost.HashesPerShopper.P99);
        Assert.Equal(10_800, cost.HashesPerShopper.Max);
        // CPU ms: 1 … 100 with shopper 7 at 8 + 10 = 18, so the 50th value is 50 and the largest is shopper 99's 100.
        Assert.Equal(50, cost.CpuMsPerShopper.P50, 9);
        Assert.Equal(100, cost.CpuMsPerShopper.Max, 9);
    }

    [Fact]
    public void No_solves_summarise_to_zeros_not_a_division_by_zero()
    {
        var cost = new ChallengeMeter(10).Summarise(20);

        Assert.Equal(0, cost.Shoppers);
        Assert.Equal(0, cost.HashesPerCpuSecond);
        Assert.Equal(0, cost.HashesPerToken);
        Assert.Equal(new Spread(0, 0, 0, 0), cost.HashesPerShopper);
    }

    [Fact]
    public void Wall_time_is_stated_when_no_thread_clock_was_available()
    {
        var meter = new ChallengeMeter(2);
        meter.Solved(0, 8, 8, new SolvedChallenge("1", 2, 1000, true));
        meter.Solved(1, 8, 8, new SolvedChallenge("1", 2, 1000, false));

        Assert.Equal("wall", meter.Summarise(8).CpuClock);
    }

    [Fact]
    public void A_shopper_refused_twice_fails_the_check_and_the_run()
    {
        Assert.True(SeckillScenario.ChallengeCheck(Cost()).Passed);
        var failed = SeckillScenario.ChallengeCheck(Cost(refusedAgain: true));

        Assert.False(failed.Passed);
        Assert.Contains("2 token requests answered 428 (1 retried with a fresh challenge, 1 shoppers refused again)", failed.Detail);
    }

    [Fact]
    public void The_reports_carry_the_challenge_section()
    {
        var start = Stopwatch.GetTimestamp();
        var token = new StepStats("token", start);
        token.Record(start, start + Stopwatch.Frequency / 100, 200, null);
        token.Record(start, start + Stopwatch.Frequency / 100, 428, "HTTP 428");
        var cost = Cost();
        var report = new RunReport("seckill", "test", DateTimeOffset.UtcNow, "http://127.0.0.1:5280/", "closed, 4 connections", 0,
            Machine.Current(), [token.Summarize()], new Dictionary<string, StepSummary>(), [], [SeckillScenario.ChallengeCheck(cost)], [], null, [],
            cost);
        var folder = Directory.CreateTempSubdirectory("mall-report-").FullName;
        try
        {
            ReportFiles.Write(report, folder);

            var md = File.ReadAllText(Path.Combine(folder, "report.md"));
            Assert.Contains("## Proof-of-work challenge (12 bits)", md);
            Assert.Contains("| hashes | 515,000 |", md);
            Assert.Contains("every solved challenge accepted", md);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
            var challenge = json.RootElement.GetProperty("challenge");
            Assert.Equal(515_000, challenge.GetProperty("totalHashes").GetInt64());
            Assert.Equal(10_000, challenge.GetProperty("hashesPerShopper").GetProperty("p99").GetDouble());
            Assert.Contains("Proof-of-work challenge", File.ReadAllText(Path.Combine(folder, "report.html")));
            Assert.Contains("515,000 hashes", ConsoleView.ChallengeLine(cost));
            Assert.Equal(1, report.TotalFailed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_report_without_a_challenge_has_no_challenge_section()
    {
        var report = new RunReport("browse", "test", DateTimeOffset.UtcNow, "http://127.0.0.1:5280/", "closed", 0, Machine.Current(),
            [], new Dictionary<string, StepSummary>(), [], [], [], null, []);

        Assert.DoesNotContain("Proof-of-work", ReportFiles.Markdown(report));
        Assert.DoesNotContain("Proof-of-work", ReportFiles.Html(report));
    }
}
