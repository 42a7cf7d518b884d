using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Mall.LoadTests.Reporting;

/// <summary>
/// The shop API's memory and GC over a run. Pid: how it was found (Found says how), null when it could not be.
/// PeakRssMiB: the kernel's high-water mark (VmHWM), the most the process held since it started; SampledPeakRssMiB:
/// the most VmRSS sampled every 250 ms during the measured phases. GC figures: the API's own /metrics (the System.Runtime
/// meter), as differences over the measured phases.
/// </summary>
public sealed record ApiUse(int? Pid, string Found, double? RssBeforeMiB, double? SampledPeakRssMiB, double? RssAfterMiB, double? PeakRssMiB,
    double? GcPauseMs, long? Gen0Collections, long? Gen1Collections, long? Gen2Collections, string? GcMissing)
{
    public string Describe()
    {
        static string Mib(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) + " MiB" : "—";
        var memory = Pid is null
            ? $"API process not found ({Found}): no RSS"
            : $"API pid {Pid} ({Found}): peak RSS {Mib(PeakRssMiB)} (VmHWM, since it started), {Mib(SampledPeakRssMiB)} at most during the run " +
              $"({Mib(RssBeforeMiB)} before, {Mib(RssAfterMiB)} after)";
        var gc = GcPauseMs is { } pause
            ? $"GC paused it {pause.ToString("0.#", CultureInfo.InvariantCulture)} ms during the measured phases " +
              $"(collections: gen0 {Gen0Collections}, gen1 {Gen1Collections}, gen2 {Gen2Collections})"
            : $"GC pause time unknown ({GcMissing})";
        return $"{memory}; {gc}.";
    }
}

public sealed class ApiMeter(int? pid, string found, HttpClient http)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(250);
    private GcFigures? _gcBefore;
    private string? _gcMissing;
    private long? _rssBefore;
    private long _peakSampled;
    private CancellationTokenSource? _stop;
    private Task? _sampler;

    public int? Pid => pid;

    /// <summary>
    /// The API's pid: a watched process (./mall bench passes the API's) whose command line names Mall.Api, else the
    /// process listening on the target's port (ss -tlnp), else none.
    /// </summary>
    public static ApiMeter Create(IReadOnlyList<int> watched, Uri baseUrl, HttpClient http)
    {
        foreach (var candidate in watched)
        {
            try
            {
                if (File.ReadAllText($"/proc/{candidate}/cmdline").Contains("Mall.Api")) return new ApiMeter(candidate, "--watch-pid", http);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        if (!Cli.BenchSettings.IsLoopback(baseUrl)) return new ApiMeter(null, "the target is not on this machine", http);
        var listener = ListenerOf(baseUrl.Port);
        return listener is { } p ? new ApiMeter(p, $"listener of port {baseUrl.Port}", http) : new ApiMeter(null, $"no process seen listening on port {baseUrl.Port}", http);
    }

    /// <summary>The pid listening on a TCP port of this machine, from ss (null: none seen, or ss is not there).</summary>
    public static int? ListenerOf(int port)
    {
        try
        {
            var start = new ProcessStartInfo("ss", ["-Htlnp", $"sport = :{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var ss = Process.Start(start);
            if (ss is null) return null;
            var output = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit(5000);
            return ParseListener(output);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException) { return null; }
    }

    public static int? ParseListener(string ssOutput)
    {
        var pids = Regex.Matches(ssOutput, @"pid=(\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
        return pids.Count == 1 ? pids[0] : null;
    }

    /// <summary>A field of /proc/&lt;pid&gt;/status in bytes (VmRSS, VmHWM), null when unreadable.</summary>
    public static long? StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return ParseKilobytes(line[(field.Length + 1)..]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    public static long? ParseKilobytes(string value)
    {
        var digits = value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }

    public async Task StartAsync(CancellationToken ct)
    {
        (_gcBefore, _gcMissing) = await GcFigures.ReadAsync(http, ct);
        if (pid is not { } p) return;
        _rssBefore = StatusBytes(p, "VmRSS");
        _peakSampled = _rssBefore ?? 0;
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(SampleEvery);
            try
            {
                while (await timer.WaitForNextTickAsync(stop))
                    if (StatusBytes(p, "VmRSS") is { } rss && rss > _peakSampled) _peakSampled = rss;
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
    }

    public async Task<ApiUse> StopAsync(CancellationToken ct)
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            await _sampler!;
            _stop.Dispose();
        }
        var (gcAfter, missing) = await GcFigures.ReadAsync(http, ct);
        double? Mib(long? bytes) => bytes is { } b ? Math.Round(b / 1048576.0, 1) : null;
        long? rssAfter = null, peak = null;
        if (pid is { } p)
        {
            rssAfter = StatusBytes(p, "VmRSS");
            peak = StatusBytes(p, "VmHWM");
            if (rssAfter is { } after && after > _peakSampled) _peakSampled = after;
        }
        var gc = _gcBefore is { } before && gcAfter is { } now ? now - before : null;
        return new ApiUse(pid, found, Mib(_rssBefore), pid is null ? null : Mib(_peakSampled), Mib(rssAfter), Mib(peak),
            gc is null ? null : Math.Round(gc.PauseSeconds * 1000, 1), gc?.Gen0, gc?.Gen1, gc?.Gen2, gc is null ? _gcMissing ?? missing : null);
    }
}

/// <summary>The GC figures the API exports on /metrics (prometheus-net's bridge of the System.Runtime meter).</summary>
public sealed record GcFigures(double PauseSeconds, long Gen0, long Gen1, long Gen2)
{
    public const string PauseMetric = "system_runtime_dotnet_gc_pause_time";
    public const string CollectionsMetric = "system_runtime_dotnet_gc_collections";

    public static GcFigures operator -(GcFigures after, GcFigures before) =>
        new(after.PauseSeconds - before.PauseSeconds, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2);

    public static async Task<(GcFigures?, string?)> ReadAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/metrics", ct);
            if (!response.IsSuccessStatusCode) return (null, $"/metrics answered {(int)response.StatusCode}");
            return Parse(await response.Content.ReadAsStringAsync(ct));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (null, $"/metrics did not answer ({e.Message.Split('\n')[0]})");
        }
    }

    public static (GcFigures?, string?) Parse(string metrics)
    {
        double? pause = null;
        var collections = new Dictionary<string, long>();
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(PauseMetric + " ", StringComparison.Ordinal)) pause = Value(line);
            else if (line.StartsWith(CollectionsMetric + "{", StringComparison.Ordinal)
                     && Regex.Match(line, "gc_heap_generation=\"(gen[012])\"") is { Success: true } generation)
                collections[generation.Groups[1].Value] = (long)Value(line);
        }
        if (pause is null) return (null, $"the API's /metrics has no {PauseMetric}");
        return (new GcFigures(pause.Value, collections.GetValueOrDefault("gen0"), collections.GetValueOrDefault("gen1"), collections.GetValueOrDefault("gen2")), null);
    }

    private static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..].Trim(), CultureInfo.InvariantCulture);
}
