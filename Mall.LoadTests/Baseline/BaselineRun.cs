using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Scenarios;
using StackExchange.Redis;

namespace Mall.LoadTests.Baseline;

/// <summary>
/// The same-run baselines a scenario's ratios name: "json" and "lua" from this executable's hidden baseline-server
/// command, started as a separate process, measured with the scenario's load model and stopped; "hot-row" from the
/// shop's own MariaDB (<see cref="HotRowBaseline"/>). The figures describe what this machine does right now.
/// </summary>
public static class BaselineRun
{
    public const string Prefix = "bench-baseline:";
    public static readonly string[] Known = ["json", "lua", HotRowBaseline.Name];

    public static async Task<Dictionary<string, (StepSummary Summary, double? ServerCpuSeconds)>> MeasureAsync(BenchSettings settings, LoadModel model,
        IReadOnlyCollection<string> wanted, string runId, Func<string, StatsCollector, TimeSpan, Func<Task>, Task> show, CancellationToken ct)
    {
        var results = new Dictionary<string, (StepSummary, double?)>();
        if (wanted.Contains("json") || wanted.Contains("lua"))
            foreach (var (name, measured) in await MeasureServerAsync(settings, model, wanted, show, ct))
                results[name] = measured;
        if (wanted.Contains(HotRowBaseline.Name))
        {
            // As many connections as the scenario's virtual users (checkout: one request in flight each).
            var connections = model.Kind == LoadModelKind.Closed ? model.Concurrency : settings.Connections;
            var summary = await HotRowBaseline.MeasureAsync(settings.ResolveMySql(), runId, connections, TimeSpan.FromSeconds(settings.BaselineDuration),
                settings.Warmup, (stats, duration, work) => show($"baseline {HotRowBaseline.Name} ({connections} connections)", stats, duration, work), ct);
            results[HotRowBaseline.Name] = (summary, null);
        }
        return results;
    }

    private static async Task<Dictionary<string, (StepSummary Summary, double? ServerCpuSeconds)>> MeasureServerAsync(BenchSettings settings,
        LoadModel model, IReadOnlyCollection<string> wanted, Func<string, StatsCollector, TimeSpan, Func<Task>, Task> show, CancellationToken ct)
    {
        var port = FreePort();
        using var server = Start(port, settings.ResolveRedis());
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            await WaitReadyAsync(baseUrl, server, ct);
            using var http = HttpClients.Create(baseUrl, model, settings.Timeout);
            var runner = new Runner(http);
            var measured = model with { Duration = TimeSpan.FromSeconds(settings.BaselineDuration), Iterations = null };
            var results = new Dictionary<string, (StepSummary, double?)>();
            foreach (var (name, phase) in new[] { ("json", JsonPhase), ("lua", LuaPhase) }.Where(b => wanted.Contains(b.Item1)))
            {
                if (settings.Warmup > 0) await WarmUntilSteadyAsync(runner, http, name, phase, model, settings.Warmup, ct);
                if (phase == LuaPhase) await IssueAttemptTokensAsync(http, measured.Duration, ct);
                var stats = new StatsCollector();
                var cpu = new Mall.LoadTests.Reporting.CpuMeter([server.Id]);
                cpu.Start();
                await show($"baseline {name}", stats, measured.Duration, () => runner.RunAsync(phase, measured, stats, ct));
                var serverCpu = cpu.Stop()?.Processes.FirstOrDefault(p => p.Pid == server.Id)?.CpuSeconds;
                results[name] = (stats.Steps.Single(s => s.Name == name).Summarize(), serverCpu);
                if (phase == LuaPhase) (await http.DeleteAsync("/lua/tokens", ct)).EnsureSuccessStatusCode();
            }
            return results;
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
            await CleanUpAsync(settings.ResolveRedis());
        }
    }

    /// <summary>A fresh baseline process ramps up for seconds (tiered JIT): the bare JSON endpoint went from 28,000 to
    /// 49,000 requests/s over a 5 s window after 1 s of warm-up. The shop is measured warm, so the baseline is too.</summary>
    private const double MaxWarmupSeconds = 15, SteadyWithin = 0.05;

    /// <summary>
    /// Runs the endpoint, unrecorded, for at least <paramref name="minSeconds"/> and then in one-second slices until two
    /// slices in a row agree within 5 %: at most five times <paramref name="minSeconds"/>, and 15 s, in all.
    /// </summary>
    private static async Task WarmUntilSteadyAsync(Runner runner, HttpClient http, string name, Phase phase, LoadModel model,
        double minSeconds, CancellationToken ct)
    {
        var slice = model with { Duration = TimeSpan.FromSeconds(1), Iterations = null };
        var started = Stopwatch.StartNew();
        var atMost = Math.Max(minSeconds, Math.Min(MaxWarmupSeconds, 5 * minSeconds));
        double? previous = null;
        while (started.Elapsed.TotalSeconds < atMost)
        {
            if (phase == LuaPhase) await IssueAttemptTokensAsync(http, slice.Duration, ct);
            var stats = new StatsCollector();
            await runner.RunAsync(phase, slice, stats, ct);
            var rate = stats.Steps.Single(s => s.Name == name).Summarize().Rps;
            if (started.Elapsed.TotalSeconds >= minSeconds && previous is { } last && Math.Abs(rate - last) <= SteadyWithin * last) return;
            previous = rate;
        }
    }

    private static readonly Phase JsonPhase = new("json", (c, ct) => c.StepAsync("json", () => new HttpRequestMessage(HttpMethod.Get, "/json"), s => s == 200, ct));

    private static readonly Phase LuaPhase = new("lua", (c, ct) => c.StepAsync("lua", () => new HttpRequestMessage(HttpMethod.Post, "/lua")
    {
        Content = new StringContent("""{"token":"0123456789abcdef0123456789abcdef","quantity":1}""", System.Text.Encoding.UTF8, "application/json"),
    }, s => s == 202, ct));

    /// <summary>
    /// Every bare Lua call consumes an attempt token, as a shopper's attempt does; they are issued before the phase,
    /// outside the measurement, for more calls than this machine can make (its best with this script was about 28,000/s;
    /// the margin is kept modest because every issued token is also written to the AOF). Should they
    /// run out anyway, the calls answer 500 and the baseline shows errors instead of cheaper successes.
    /// </summary>
    private static async Task IssueAttemptTokensAsync(HttpClient http, TimeSpan duration, CancellationToken ct)
    {
        const int TokensPerSecond = 50_000, PerRequest = 50_000;
        for (var left = (int)Math.Ceiling(duration.TotalSeconds * TokensPerSecond); left > 0; left -= PerRequest)
        {
            using var response = await http.PostAsync($"/lua/tokens?count={Math.Min(left, PerRequest)}", null, ct);
            if (!response.IsSuccessStatusCode) throw new RunFailure($"The baseline server could not issue attempt tokens ({(int)response.StatusCode}).");
        }
    }

    private static Process Start(int port, string redis)
    {
        var entry = typeof(BaselineRun).Assembly.Location;
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Under "dotnet Mall.LoadTests.dll" the host is dotnet and needs the assembly; the apphost does not.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) start.ArgumentList.Add(entry);
        foreach (var arg in new[] { "baseline-server", "--port", port.ToString(), "--redis", redis, "--prefix", Prefix }) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new RunFailure("Could not start the baseline server.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(Uri baseUrl, Process server, CancellationToken ct)
    {
        using var probe = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited) throw new RunFailure($"The baseline server exited with code {server.ExitCode} (is Redis reachable?).");
            try
            {
                if ((await probe.GetAsync("/json", ct)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(100, ct);
        }
        throw new RunFailure("The baseline server did not answer within 30 s.");
    }

    private static async Task CleanUpAsync(string redis)
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
            await connection.GetDatabase().KeyDeleteAsync(new BaselineKeys(Prefix).Shared);
        }
        catch (RedisException) { }
    }

    /// <summary>A port on 127.0.0.1 nothing listens on right now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class HttpClients
{
    /// <summary>One pooled client per target: as many connections as the model can have requests in flight.</summary>
    public static HttpClient Create(Uri baseUrl, LoadModel model, double timeoutSeconds)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = model.Kind == LoadModelKind.Closed ? model.Concurrency : model.MaxInFlight,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(timeoutSeconds) };
    }
}
