using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Mall.LoadTests.Engine;

/// <summary>
/// Everything recorded for one named step. Latencies go into an HdrHistogram in microseconds (1 µs .. 5 min,
/// 3 significant digits); a second histogram per elapsed second feeds the over-time charts. Thread-safe: virtual
/// users record concurrently.
/// </summary>
public sealed class StepStats(string name, long runStartTimestamp)
{
    private const long HighestMicros = 300_000_000;
    private readonly LongConcurrentHistogram _latency = new(1, HighestMicros, 3);
    private readonly ConcurrentDictionary<int, long> _statusCodes = new();
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly ConcurrentDictionary<int, SecondBucket> _seconds = new();
    private long _count, _failed, _minMicros = long.MaxValue, _firstStart = long.MaxValue, _lastEnd = long.MinValue;

    public string Name { get; } = name;
    public long Count => Interlocked.Read(ref _count);
    public long Failed => Interlocked.Read(ref _failed);

    /// <param name="start">when the request was meant to go (open model) or went (closed model)</param>
    /// <param name="end">when its answer was complete</param>
    /// <param name="status">HTTP status, or 0 when no answer came</param>
    /// <param name="error">the error kind, or null when the outcome is one the step expects</param>
    public void Record(long start, long end, int status, string? error)
    {
        var micros = Math.Clamp((end - start) * 1_000_000 / Stopwatch.Frequency, 1, HighestMicros);
        _latency.RecordValue(micros);
        Interlocked.Increment(ref _count);
        if (status != 0) _statusCodes.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (error is not null)
        {
            Interlocked.Increment(ref _failed);
            _errors.AddOrUpdate(error, 1, (_, n) => n + 1);
        }
        Lower(ref _minMicros, micros);
        Lower(ref _firstStart, start);
        Raise(ref _lastEnd, end);
        var second = (int)Math.Max(0, (end - runStartTimestamp) / Stopwatch.Frequency);
        _seconds.GetOrAdd(second, _ => new SecondBucket()).Record(micros, error is not null);
    }

    /// <summary>p99 so far, in milliseconds (for the live view).</summary>
    public double P99Millis => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(99) / 1000.0;

    public StepSummary Summarize()
    {
        var count = Count;
        var window = count == 0 ? 0 : (double)(_lastEnd - _firstStart) / Stopwatch.Frequency;
        double Ms(double percentile) => count == 0 ? 0 : _latency.GetValueAtPercentile(percentile) / 1000.0;
        var timeline = _seconds.OrderBy(s => s.Key)
            .Select(s => s.Value.Summarize(s.Key))
            .ToList();
        return new StepSummary(
            Name, count, Failed, Rates.PerSecond(count, window), window,
            count == 0 ? 0 : _minMicros / 1000.0, Ms(50), Ms(90), Ms(95), Ms(99), Ms(99.9),
            count == 0 ? 0 : _latency.GetMaxValue() / 1000.0, count == 0 ? 0 : _latency.GetMean() / 1000.0,
            _statusCodes.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(), s => s.Value),
            _errors.OrderByDescending(e => e.Value).ToDictionary(e => e.Key, e => e.Value),
            timeline);
    }

    private static void Lower(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value < current && Interlocked.CompareExchange(ref target, value, current) != current)
            current = Interlocked.Read(ref target);
    }

    private static void Raise(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
            current = Interlocked.Read(ref target);
    }

    private sealed class SecondBucket
    {
        private readonly LongConcurrentHistogram _latency = new(1, HighestMicros, 2);
        private long _count, _failed;

        public void Record(long micros, bool failed)
        {
            _latency.RecordValue(micros);
            Interlocked.Increment(ref _count);
            if (failed) Interlocked.Increment(ref _failed);
        }

        public SecondSummary Summarize(int second) => new(second, _count, _failed,
            _latency.GetValueAtPercentile(50) / 1000.0, _latency.GetValueAtPercentile(99) / 1000.0);
    }
}

public sealed record SecondSummary(int Second, long Requests, long Failed, double P50Ms, double P99Ms);

public sealed record StepSummary(
    string Name, long Requests, long Failed, double Rps, double WindowSeconds,
    double MinMs, double P50Ms, double P90Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs,
    Dictionary<string, long> StatusCodes, Dictionary<string, long> Errors, List<SecondSummary> Timeline)
{
    public double ErrorRate => Rates.Fraction(Failed, Requests);
}

public static class Rates
{
    public static double PerSecond(long count, double seconds) => seconds <= 0 ? 0 : count / seconds;
    public static double Fraction(long part, long whole) => whole == 0 ? 0 : (double)part / whole;
}
