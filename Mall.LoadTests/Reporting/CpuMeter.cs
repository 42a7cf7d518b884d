using System.Globalization;

namespace Mall.LoadTests.Reporting;

public sealed record CpuShare(string Process, int Pid, double Cores, double CpuSeconds);

/// <summary>
/// Where the machine's CPU went during a measured window (Linux /proc): the whole machine's busy share, this load
/// generator, and any watched process (the shop's API, mariadbd, redis-server). On a shared box this is what tells a
/// slow shop from a busy machine.
/// </summary>
public sealed class CpuMeter(IReadOnlyList<int> watched)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private (long Busy, long Total, Dictionary<int, long> Processes, DateTime At)? _start;

    public void Start() => _start = Read();

    public (double MachineBusyCores, IReadOnlyList<CpuShare> Processes)? Stop()
    {
        if (_start is not { } start) return null;
        var end = Read();
        var seconds = (end.At - start.At).TotalSeconds;
        if (seconds <= 0 || end.Total <= start.Total) return null;
        var machine = (double)(end.Busy - start.Busy) / (end.Total - start.Total) * Environment.ProcessorCount;
        var shares = end.Processes.Where(p => start.Processes.ContainsKey(p.Key))
            .Select(p => new CpuShare(Name(p.Key), p.Key, (p.Value - start.Processes[p.Key]) / TicksPerSecond / seconds,
                (p.Value - start.Processes[p.Key]) / TicksPerSecond))
            .ToList();
        return (machine, shares);
    }

    private (long Busy, long Total, Dictionary<int, long> Processes, DateTime At) Read()
    {
        long busy = 0, total = 0;
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            total = fields.Sum();
            busy = total - fields[3] - fields[4]; // minus idle and iowait
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        var processes = new Dictionary<int, long>();
        foreach (var pid in watched.Append(Environment.ProcessId).Distinct())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                processes[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        return (busy, total, processes, DateTime.UtcNow);
    }

    public static bool IsShopApi(CpuShare share) => share.Process.StartsWith("shop API");

    private static string Name(int pid)
    {
        if (pid == Environment.ProcessId) return "load generator (this CLI)";
        try
        {
            var cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            var comm = File.ReadAllText($"/proc/{pid}/comm").Trim();
            return cmd.Contains("Mall.Api") ? "shop API (Mall.Api)" : cmd.Contains("baseline-server") ? "baseline server" : comm;
        }
        catch (IOException) { return $"pid {pid}"; }
    }
}
