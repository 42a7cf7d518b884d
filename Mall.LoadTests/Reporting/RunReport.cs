using System.Runtime.InteropServices;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Scenarios;

namespace Mall.LoadTests.Reporting;

public sealed record Machine(int Cores, double MemoryGiB, string Os, string Dotnet)
{
    public static Machine Current()
    {
        double memory = 0;
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:"));
            if (line is not null) memory = Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0, 1);
        }
        catch (IOException) { }
        return new Machine(Environment.ProcessorCount, memory, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
    }
}

/// <param name="PerCoreRatio">requests per CPU-second of the shop's API over requests per CPU-second of the baseline
/// server (null when the shop's PID was not watched): what the code costs, whatever else the machine was doing</param>
public sealed record RatioResult(string Label, string Baseline, double Rps, double BaselineRps, double Ratio, double? MinRatio,
    double P99Ms, double BaselineP99Ms, double? MaxP99Ms, bool? Met, string Note,
    double? ShopRequestsPerCoreSecond = null, double? BaselineRequestsPerCoreSecond = null, double? PerCoreRatio = null);

public sealed record RunReport(
    string Scenario, string Description, DateTimeOffset StartedAt, string Target, string LoadModel, double WarmupSeconds, Machine Machine,
    IReadOnlyList<StepSummary> Steps, IReadOnlyDictionary<string, StepSummary> Baselines, IReadOnlyList<RatioResult> Ratios,
    IReadOnlyList<Check> Checks, IReadOnlyList<Check> Thresholds, Drain? Drain, IReadOnlyList<string> Notes, ChallengeCost? Challenge = null,
    ApiUse? Api = null)
{
    public bool Passed => Checks.All(c => c.Passed) && Thresholds.All(t => t.Passed);
    /// <summary>Why the run failed, one line per failed check (empty when it passed).</summary>
    public IReadOnlyList<string> FailureReasons => Verdict.Reasons(Checks.Concat(Thresholds));
    public long TotalRequests => Steps.Sum(s => s.Requests);
    public long TotalFailed => Steps.Sum(s => s.Failed);
}

public static class ReportBuilder
{
    public static IReadOnlyList<RatioResult> Ratios(IEnumerable<RatioTarget> targets, IReadOnlyList<StepSummary> steps,
        IReadOnlyDictionary<string, StepSummary> baselines, IReadOnlyDictionary<string, double>? shopCpuSeconds = null,
        IReadOnlyDictionary<string, double>? baselineCpuSeconds = null)
    {
        var results = new List<RatioResult>();
        foreach (var target in targets)
        {
            // "lua", or "lua (before)" and "lua (after)": the mean of the measurements of that baseline.
            var measuredKeys = baselines.Keys.Where(k => k == target.Baseline || k.StartsWith(target.Baseline + " ")).ToList();
            var measured = measuredKeys.Select(k => baselines[k]).ToList();
            if (measured.Count == 0) continue;
            var chosen = steps.Where(s => target.Steps.Contains(s.Name)).ToList();
            if (chosen.Count == 0) continue;
            var rps = CombinedRps(chosen);
            var p99 = chosen.Max(s => s.P99Ms);
            var baselineRps = measured.Average(b => b.Rps);
            var ratio = baselineRps <= 0 ? 0 : rps / baselineRps;
            var baselineP99 = measured.Average(b => b.P99Ms);
            bool? met = target.MinRatio is null && target.MaxP99Ms is null && target.MaxP99Ratio is null
                ? null
                : (target.MinRatio is not { } min || ratio >= min) && (target.MaxP99Ms is not { } max || p99 <= max)
                  && (target.MaxP99Ratio is not { } maxRatio || p99 <= maxRatio * baselineP99);
            double? shopPerCore = null, baselinePerCore = null;
            if (shopCpuSeconds is not null && chosen.All(c => shopCpuSeconds.ContainsKey(c.Name)))
                shopPerCore = chosen.Sum(c => c.Requests) / chosen.Sum(c => shopCpuSeconds[c.Name]);
            if (baselineCpuSeconds is not null && measuredKeys.All(baselineCpuSeconds.ContainsKey))
                baselinePerCore = measured.Sum(b => b.Requests) / measuredKeys.Sum(k => baselineCpuSeconds[k]);
            results.Add(new RatioResult(target.Label, target.Baseline, rps, baselineRps, ratio, target.MinRatio, p99, baselineP99,
                target.MaxP99Ms, met, target.Note, shopPerCore, baselinePerCore,
                shopPerCore is { } shop && baselinePerCore is { } bare && bare > 0 ? shop / bare : null));
        }
        return results;
    }

    /// <summary>Requests of several steps over their common window (steps of one iteration run side by side).</summary>
    public static double CombinedRps(IReadOnlyList<StepSummary> steps) =>
        Rates.PerSecond(steps.Sum(s => s.Requests), steps.Max(s => s.WindowSeconds));

    public static IReadOnlyList<Check> Thresholds(BenchSettings settings, IReadOnlyList<StepSummary> steps)
    {
        var checks = new List<Check>();
        if ((settings.MaxP95Ms ?? settings.DefaultMaxP95Ms) is { } maxP95)
            foreach (var step in steps)
                checks.Add(new Check($"{step.Name}: p95 ≤ {maxP95} ms", step.P95Ms <= maxP95, $"p95 {step.P95Ms:0.##} ms"));
        if (settings.MaxP99Ms is { } maxP99)
            foreach (var step in steps)
                checks.Add(new Check($"{step.Name}: p99 ≤ {maxP99} ms", step.P99Ms <= maxP99, $"p99 {step.P99Ms:0.##} ms"));
        if (settings.MinRps is { } minRps)
            foreach (var step in steps)
                checks.Add(new Check($"{step.Name}: ≥ {minRps} req/s", step.Rps >= minRps, $"{step.Rps:0.#} req/s"));
        checks.Add(Verdict.ErrorRate(steps, settings.MaxErrorRate ?? settings.DefaultMaxErrorRate));
        return checks;
    }
}
