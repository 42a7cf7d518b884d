using System.Diagnostics;
using Mall.LoadTests.Engine;

namespace Mall.Tests.LoadTests;

public sealed class StatisticsTests
{
    private static long Ms(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    [Fact]
    public void Percentiles_of_a_uniform_spread_land_on_the_expected_values()
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats("detail", start);
        for (var i = 1; i <= 1000; i++) step.Record(start, start + Ms(i), 200, null);

        var summary = step.Summarize();

        Assert.Equal(1000, summary.Requests);
        Assert.Equal(1.0, summary.MinMs, 2);
        Assert.InRange(summary.P50Ms, 499, 501);
        Assert.InRange(summary.P90Ms, 899, 901);
        Assert.InRange(summary.P99Ms, 989, 991);
        Assert.InRange(summary.P999Ms, 998, 1001);
        Assert.InRange(summary.MaxMs, 999, 1001);
    }

    [Fact]
    public void Throughput_is_requests_over_the_steps_own_window()
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats("attempt", start);
        // 500 requests spread over exactly 2 s: the first starts at 0, the last ends at 2 s.
        for (var i = 0; i < 500; i++) step.Record(start + Ms(i * 3.99), start + Ms(i * 3.99 + 1), 202, null);
        step.Record(start + Ms(1999), start + Ms(2000), 202, null);

        var summary = step.Summarize();

        Assert.Equal(501, summary.Requests);
        Assert.Equal(2.0, summary.WindowSeconds, 3);
        Assert.Equal(250.5, summary.Rps, 1);
    }

    [Fact]
    public void Status_codes_and_error_kinds_are_counted_and_expected_outcomes_are_not_errors()
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats("attempt", start);
        step.Record(start, start + Ms(1), 202, null);
        step.Record(start, start + Ms(1), 410, null);
        step.Record(start, start + Ms(1), 410, null);
        step.Record(start, start + Ms(1), 500, "HTTP 500");
        step.Record(start, start + Ms(1), 0, "timeout");

        var summary = step.Summarize();

        Assert.Equal(2, summary.Failed);
        Assert.Equal(0.4, summary.ErrorRate, 6);
        Assert.Equal(new Dictionary<string, long> { ["202"] = 1, ["410"] = 2, ["500"] = 1 }, summary.StatusCodes);
        Assert.Equal(1, summary.Errors["HTTP 500"]);
        Assert.Equal(1, summary.Errors["timeout"]);
    }

    [Fact]
    public void The_timeline_has_one_bucket_per_elapsed_second()
    {
        var start = Stopwatch.GetTimestamp();
        var step = new StepStats("home", start);
        for (var i = 0; i < 10; i++) step.Record(start + Ms(100), start + Ms(200 + i), 200, null);
        for (var i = 0; i < 4; i++) step.Record(start + Ms(1500), start + Ms(1600), 500, "HTTP 500");

        var timeline = step.Summarize().Timeline;

        Assert.Equal([0, 1], timeline.Select(t => t.Second));
        Assert.Equal([10L, 4L], timeline.Select(t => t.Requests));
        Assert.Equal([0L, 4L], timeline.Select(t => t.Failed));
    }

    [Fact]
    public void Rates_of_nothing_are_zero_not_a_division_by_zero()
    {
        Assert.Equal(0, Rates.PerSecond(10, 0));
        Assert.Equal(0, Rates.Fraction(0, 0));
        var empty = new StepStats("none", Stopwatch.GetTimestamp()).Summarize();
        Assert.Equal(0, empty.Rps);
        Assert.Equal(0, empty.P99Ms);
    }
}
