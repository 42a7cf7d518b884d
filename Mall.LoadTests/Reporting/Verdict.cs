using Mall.LoadTests.Engine;
using Mall.LoadTests.Scenarios;

namespace Mall.LoadTests.Reporting;

/// <summary>
/// What makes a run fail whatever its scenario: too many failed requests, or none of the scenario's business operations
/// done. A newcomer's run against a shop that could not start (its port held by another shop) had every one of 239,653
/// requests answered 401, placed 0 orders, and still said PASSED: fast refusals look like throughput.
/// </summary>
public static class Verdict
{
    public const double DefaultMaxErrorRate = 0.01;

    /// <summary>Errors over requests of every measured step (baselines and warm-up are not steps of the run).</summary>
    public static Check ErrorRate(IReadOnlyList<StepSummary> steps, double maxErrorRate)
    {
        var requests = steps.Sum(s => s.Requests);
        var failed = steps.Sum(s => s.Failed);
        var rate = Rates.Fraction(failed, requests);
        var detail = requests == 0 ? "no requests were made" : $"{rate:P2} of {requests:N0} requests failed";
        if (failed > 0) detail += $" (most: {Commonest(steps)})" + Hint(steps);
        return new Check($"error rate ≤ {maxErrorRate:P1}", requests > 0 && rate <= maxErrorRate, detail);
    }

    /// <summary>The scenario's business operation (orders placed, attempts accepted, pages served) happened at least once.</summary>
    public static Check Completed(string operation, long count) => new($"{operation} > 0", count > 0,
        count > 0 ? $"{count:N0} {operation}" : $"0 {operation}: the run measured nothing the scenario exists for");

    /// <summary>One line per failed check, for the RESULT line and the report's head.</summary>
    public static IReadOnlyList<string> Reasons(IEnumerable<Check> checks) =>
        checks.Where(c => !c.Passed).Select(c => $"{c.Name} — {c.Detail}").ToList();

    private static string Commonest(IReadOnlyList<StepSummary> steps)
    {
        var (kind, count) = steps.SelectMany(s => s.Errors).GroupBy(e => e.Key)
            .Select(g => (g.Key, g.Sum(e => e.Value))).OrderByDescending(e => e.Item2).First();
        return $"{kind} × {count:N0}";
    }

    /// <summary>The usual cause of a run full of 401s: the CLI signs its shoppers' tokens with this data dir's key, and the
    /// shop answering is not the one this data dir started.</summary>
    private static string Hint(IReadOnlyList<StepSummary> steps)
    {
        var failed = steps.Sum(s => s.Failed);
        var unauthorized = steps.Sum(s => s.Errors.GetValueOrDefault("HTTP 401"));
        return unauthorized * 2 > failed
            ? "; the shop refused the CLI's tokens: is the shop at this address the one of this data dir (its signing key)?"
            : "";
    }
}
