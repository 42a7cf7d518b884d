using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Mall.LoadTests.Engine;

/// <summary>The steps recorded in one run, in the order they first appeared.</summary>
public sealed class StatsCollector
{
    private readonly ConcurrentDictionary<string, StepStats> _steps = new();
    private readonly List<string> _order = [];

    public long StartTimestamp { get; private set; } = Stopwatch.GetTimestamp();

    public void Restart() => StartTimestamp = Stopwatch.GetTimestamp();

    public StepStats Step(string name)
    {
        if (_steps.TryGetValue(name, out var step)) return step;
        lock (_order)
        {
            if (_steps.TryGetValue(name, out step)) return step;
            step = new StepStats(name, StartTimestamp);
            _steps[name] = step;
            _order.Add(name);
            return step;
        }
    }

    public IReadOnlyList<StepStats> Steps
    {
        get { lock (_order) return _order.Select(n => _steps[n]).ToList(); }
    }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartTimestamp);
}

public sealed record StepResult(int Status, byte[] Body, bool Ok, string? Error);

/// <summary>One iteration of a virtual user. Its first step is timed from the iteration's intended start.</summary>
public sealed class IterationContext(long index, long intendedStart, StatsCollector? stats, HttpClient http)
{
    private long _pendingIntendedStart = intendedStart;

    public long Index { get; } = index;
    public HttpClient Http { get; } = http;
    public bool IsWarmup => stats is null;
    public StatsCollector? Stats => stats;

    /// <summary>Sends one request and records it under <paramref name="name"/>.</summary>
    /// <param name="expected">statuses that are a normal outcome of this step (e.g. 410 sold out for an attempt)</param>
    public async Task<StepResult> StepAsync(string name, Func<HttpRequestMessage> request, Func<int, bool> expected, CancellationToken ct)
    {
        // From the intended start when the send is late (coordinated omission); from the send itself when the
        // scheduler let it go a little early.
        var now = Stopwatch.GetTimestamp();
        var start = _pendingIntendedStart != 0 ? Math.Min(_pendingIntendedStart, now) : now;
        _pendingIntendedStart = 0;
        int status = 0;
        byte[] body = [];
        string? error;
        try
        {
            using var message = request();
            using var response = await Http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync(ct);
            error = expected(status) ? null : $"HTTP {status}";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = ErrorKinds.Of(e);
        }
        catch (OperationCanceledException)
        {
            // The run ended while this request was in flight: it belongs to no one's statistics.
            return new StepResult(0, [], false, "cancelled");
        }
        var end = Stopwatch.GetTimestamp();
        stats?.Step(name).Record(start, end, status, error);
        return new StepResult(status, body, error is null, error);
    }
}

public static class ErrorKinds
{
    public static string Of(Exception e) => e switch
    {
        TaskCanceledException or TimeoutException => "timeout",
        HttpRequestException { InnerException: SocketException s } => $"socket: {s.SocketErrorCode}",
        HttpRequestException { HttpRequestError: var kind } => $"http: {kind}",
        IOException => "io: connection reset",
        _ => e.GetType().Name,
    };
}

/// <summary>What a virtual user does once (one iteration).</summary>
public delegate Task IterationAction(IterationContext context, CancellationToken ct);

/// <param name="MaxIterations">the scenario's own bound (e.g. one iteration per prepared shopper)</param>
public sealed record Phase(string Name, IterationAction Action, long? MaxIterations = null);

/// <summary>Runs a phase under a load model until its duration or iteration bound.</summary>
public sealed class Runner(HttpClient http)
{
    public async Task RunAsync(Phase phase, LoadModel model, StatsCollector? stats, CancellationToken ct)
    {
        var limit = Min(model.Iterations, phase.MaxIterations);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(model.Duration.TotalSeconds * Stopwatch.Frequency);
        if (model.Kind == LoadModelKind.Closed)
            await RunClosedAsync(phase, model, stats, limit, deadline, timeout.Token);
        else
            await RunOpenAsync(phase, model, stats, limit, start, deadline, timeout.Token);
    }

    private async Task RunClosedAsync(Phase phase, LoadModel model, StatsCollector? stats, long? limit, long deadline, CancellationToken ct)
    {
        long next = -1;
        var workers = Enumerable.Range(0, model.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (limit is { } l && i >= l) return;
                await RunIterationAsync(phase, new IterationContext(i, Stopwatch.GetTimestamp(), stats, http), ct);
            }
        }, CancellationToken.None));
        await Task.WhenAll(workers);
    }

    private async Task RunOpenAsync(Phase phase, LoadModel model, StatsCollector? stats, long? limit, long start, long deadline, CancellationToken ct)
    {
        var inFlight = new SemaphoreSlim(model.MaxInFlight);
        var running = new ConcurrentDictionary<long, Task>();
        var rampSeconds = model.Kind == LoadModelKind.Ramp ? model.Duration.TotalSeconds : 0;
        var rampTo = model.Kind == LoadModelKind.Ramp ? model.RampToRate : model.Rate;
        for (long i = 0; limit is null || i < limit; i++)
        {
            var intended = start + (long)(OpenSchedule.IntendedSeconds(i, model.Rate, rampTo, rampSeconds) * Stopwatch.Frequency);
            if (intended >= deadline || ct.IsCancellationRequested) break;
            var wait = intended - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                try { await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct); }
                catch (OperationCanceledException) { break; }
            }
            // When the cap is reached the iteration waits here, and its wait counts in its latency.
            try { await inFlight.WaitAsync(ct); }
            catch (OperationCanceledException) { break; }
            var index = i;
            var task = Task.Run(async () =>
            {
                try { await RunIterationAsync(phase, new IterationContext(index, intended, stats, http), ct); }
                finally { inFlight.Release(); }
            }, CancellationToken.None);
            running[index] = task;
            _ = task.ContinueWith(_ => running.TryRemove(index, out Task? _), TaskScheduler.Default);
        }
        await Task.WhenAll(running.Values);
    }

    private static async Task RunIterationAsync(Phase phase, IterationContext context, CancellationToken ct)
    {
        try { await phase.Action(context, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            // A scenario that cannot go on (e.g. an unexpected body) ends this iteration, not the run.
            context.Stats?.Step($"{phase.Name}: iteration failed").Record(
                Stopwatch.GetTimestamp(), Stopwatch.GetTimestamp(), 0, e.GetType().Name + ": " + e.Message.Split('\n')[0]);
        }
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
