using System.Globalization;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Scenarios;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mall.LoadTests.Reporting;

/// <summary>The live progress view while a phase runs, and the final tables.</summary>
public static class ConsoleView
{
    private static string F(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="work"/> while showing elapsed, req/s, errors and p99 so far per step.</summary>
    public static async Task WhileRunningAsync(IAnsiConsole console, bool live, string title, StatsCollector stats, TimeSpan duration, Func<Task> work)
    {
        var task = work();
        if (live)
        {
            await console.Live(Snapshot(title, stats, duration, [])).AutoClear(false).StartAsync(async context =>
            {
                var last = new Dictionary<string, (long Count, DateTime At)>();
                while (!task.IsCompleted)
                {
                    await Task.WhenAny(task, Task.Delay(500));
                    context.UpdateTarget(Snapshot(title, stats, duration, last));
                }
            });
        }
        else
        {
            var last = new Dictionary<string, (long Count, DateTime At)>();
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(2000));
                var total = stats.Steps.Sum(s => s.Count);
                var errors = stats.Steps.Sum(s => s.Failed);
                var parts = stats.Steps.Select(s => $"{s.Name} {Rate(s, last):0} req/s p99 {F(s.P99Millis)} ms");
                console.WriteLine($"[{title}] {stats.Elapsed.TotalSeconds:0.0}s  {total:N0} requests, {errors:N0} errors  {string.Join("  ", parts)}");
            }
        }
        await task;
    }

    private static double Rate(StepStats step, Dictionary<string, (long Count, DateTime At)> last)
    {
        var now = DateTime.UtcNow;
        var count = step.Count;
        var rate = last.TryGetValue(step.Name, out var previous) && now > previous.At
            ? (count - previous.Count) / (now - previous.At).TotalSeconds
            : 0;
        last[step.Name] = (count, now);
        return rate;
    }

    private static IRenderable Snapshot(string title, StatsCollector stats, TimeSpan duration, Dictionary<string, (long Count, DateTime At)> last)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(title)}[/]  {stats.Elapsed.TotalSeconds:0.0} s of ≤ {duration.TotalSeconds:0} s")
            .AddColumns("step", "requests", "req/s now", "errors", "p99 so far (ms)");
        foreach (var step in stats.Steps)
            table.AddRow(Markup.Escape(step.Name), step.Count.ToString("N0"), F(Rate(step, last), "0"),
                step.Failed == 0 ? "0" : $"[red]{step.Failed:N0}[/]", F(step.P99Millis));
        return table;
    }

    /// <summary>The proof-of-work's cost in one line (console and plain progress output).</summary>
    public static string ChallengeLine(ChallengeCost c) =>
        $"challenge ({c.Bits} bits, solved by this CLI): {c.Challenges:N0} challenges for {c.Shoppers:N0} shoppers, {c.Tokens:N0} tokens; " +
        $"{c.TotalHashes:N0} hashes, {F(c.TotalCpuSeconds, "0.###")} CPU s ({F(c.HashesPerCpuSecond / 1e6, "0.##")} M hashes per CPU s); " +
        $"per shopper hashes p50 {c.HashesPerShopper.P50:N0} p99 {c.HashesPerShopper.P99:N0}, " +
        $"CPU ms p50 {F(c.CpuMsPerShopper.P50)} p99 {F(c.CpuMsPerShopper.P99)}; per token {c.HashesPerToken:N0} hashes, {F(c.CpuMsPerToken)} CPU ms; " +
        $"428: {c.Rejected:N0} ({c.Retries:N0} retried, {c.StillRejected:N0} refused again)" + (c.CpuClock == "wall" ? "; CPU as wall time" : "");

    public static void Final(IAnsiConsole console, RunReport report, string folder)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(report.Scenario)}[/] — {Markup.Escape(report.LoadModel)}")
            .AddColumns("step", "requests", "req/s", "errors", "min", "p50", "p90", "p95", "p99", "p99.9", "max (ms)", "status codes", "errors by kind");
        foreach (var s in report.Steps.Concat(report.Baselines.Select(b => b.Value with { Name = $"baseline {b.Key}" })))
            table.AddRow(Markup.Escape(s.Name), s.Requests.ToString("N0"), F(s.Rps, "0"), s.Failed == 0 ? "0" : $"[red]{s.Failed:N0}[/]",
                F(s.MinMs), F(s.P50Ms), F(s.P90Ms), F(s.P95Ms), F(s.P99Ms), F(s.P999Ms), F(s.MaxMs),
                Markup.Escape(string.Join(" ", s.StatusCodes.Select(c => $"{c.Key}:{c.Value}"))),
                Markup.Escape(string.Join("; ", s.Errors.Select(c => $"{c.Key}: {c.Value}"))));
        console.Write(table);

        if (report.Ratios.Count > 0)
        {
            var ratios = new Table().Border(TableBorder.Rounded).Title("same-run ratios")
                .AddColumns("comparison", "shop req/s", "baseline req/s", "ratio", "shop p99 ms", "baseline p99 ms", "target", "met", "per-core ratio");
            foreach (var r in report.Ratios)
                ratios.AddRow(Markup.Escape(r.Label), F(r.Rps, "0"), F(r.BaselineRps, "0"), $"{F(r.Ratio * 100, "0.#")} %", F(r.P99Ms), F(r.BaselineP99Ms),
                    Markup.Escape(r.Note), r.Met is null ? "—" : r.Met.Value ? "[green]yes[/]" : "[red]no[/]",
                    r.PerCoreRatio is { } pc ? $"{F(pc * 100, "0.#")} %" : "—");
            console.Write(ratios);
        }
        if (report.Drain is { } d)
            console.MarkupLine($"drain: {d.Orders:N0} orders, first accept → last row {F(d.AcceptToLastOrderSeconds, "0.###")} s = " +
                               $"[bold]{F(d.OrdersPerSecond, "0")} orders/s[/] ({F(d.WriterOrdersPerSecond, "0")} orders/s first → last row" +
                               (d.OrdersPerWriteSecond is { } busy ? $"; writer while busy {F(busy, "0")} orders/s of write time, {F(d.AverageBatch ?? 0, "0")}/batch" : "") +
                               $"; peak backlog {d.PeakBacklog:N0}; row times ±{F(d.SampleIntervalMs, "0")} ms)");
        if (report.Challenge is { } pow)
            console.MarkupLine(Markup.Escape(ChallengeLine(pow)));
        if (report.Api is { } api) console.MarkupLine(Markup.Escape(api.Describe()));
        foreach (var c in report.Checks.Concat(report.Thresholds))
            console.MarkupLine($"{(c.Passed ? "[green]PASS[/]" : "[red]FAIL[/]")} {Markup.Escape(c.Name)}: {Markup.Escape(c.Detail)}");
        foreach (var n in report.Notes) console.MarkupLine($"[grey]note:[/] {Markup.Escape(n)}");
        console.MarkupLine($"report: {Markup.Escape(Path.Combine(folder, "report.html"))} (and report.md, report.json)");
        if (report.Passed) console.MarkupLine("[green]RESULT: PASSED[/]");
        else
        {
            console.MarkupLine($"[red]RESULT: FAILED[/] ({report.FailureReasons.Count} failed check(s)):");
            foreach (var reason in report.FailureReasons) console.MarkupLine($"  [red]✘[/] {Markup.Escape(reason)}");
        }
    }
}
