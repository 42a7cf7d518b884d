using System.Security.Cryptography;
using Mall.LoadTests.Baseline;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Reporting;
using Mall.LoadTests.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mall.LoadTests.Cli;

public static class ExitCodes
{
    public const int Passed = 0;
    public const int Failed = 1;   // a threshold or an invariant/abuse check failed
    public const int Usage = 2;    // bad options
    public const int CannotRun = 3; // the shop or an API the scenario needs is not there
}

/// <summary>
/// One load-test run: prepare the scenario, measure the same-run baselines (if asked), warm up, run the phases
/// with the live view, verify, report, apply thresholds.
/// </summary>
public abstract class BenchCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings> where TSettings : BenchSettings
{
    protected abstract Scenario CreateScenario(TSettings settings);

    public override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken ct)
    {
        var scenario = CreateScenario(settings);
        var baseUrl = settings.ResolveBaseUrl();
        var model = settings.ToLoadModel();
        var runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var startedAt = DateTimeOffset.UtcNow;
        var live = !settings.NoLive && console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

        using var setupHttp = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        await EnsureShopAnswersAsync(setupHttp, baseUrl, ct);
        var scenarioContext = new ScenarioContext(baseUrl, setupHttp, settings, console, runId);

        console.MarkupLine($"[bold]{scenario.Name}[/] against {Markup.Escape(baseUrl.ToString())} — {Markup.Escape(model.Describe())} (run {runId})");
        var prepared = System.Diagnostics.Stopwatch.StartNew();
        await scenario.PrepareAsync(scenarioContext, ct);
        console.MarkupLine($"prepared in {prepared.Elapsed.TotalSeconds:0.0} s: {Markup.Escape(scenario.Description)}");

        async Task Run(string title, Phase phase, LoadModel phaseModel, StatsCollector stats, Runner runner) =>
            await ConsoleView.WhileRunningAsync(console, live, title, stats, phaseModel.Duration, () => runner.RunAsync(phase, phaseModel, stats, ct));

        // Measured before and after the scenario: the box's other load drifts, and the ratio uses the mean.
        var baselines = new Dictionary<string, StepSummary>();
        // Only the yardsticks the scenario's ratios compare with: each costs seconds of a shared machine twice a run.
        var wantedBaselines = scenario.Targets.Select(t => t.Baseline).Where(BaselineRun.Known.Contains).Distinct().ToList();
        var baselineCpu = new Dictionary<string, double>();
        async Task MeasureBaselinesAsync(string when)
        {
            console.MarkupLine($"measuring the same-run baselines {when} the scenario ({string.Join(", ", wantedBaselines)})…");
            var measured = await BaselineRun.MeasureAsync(settings, model, wantedBaselines, runId,
                (title, stats, duration, work) => ConsoleView.WhileRunningAsync(console, live, $"{title} ({when})", stats, duration, work), ct);
            foreach (var (name, (summary, serverCpu)) in measured)
            {
                baselines[$"{name} ({when})"] = summary;
                if (serverCpu is > 0) baselineCpu[$"{name} ({when})"] = serverCpu.Value;
            }
        }
        if (settings.Baseline && wantedBaselines.Count > 0) await MeasureBaselinesAsync("before");

        using var http = HttpClients.Create(baseUrl, model, settings.Timeout);
        var mainRunner = new Runner(http);
        if (scenario.Warmup is { } warmup && settings.Warmup > 0)
        {
            console.MarkupLine($"warming up for {settings.Warmup:0.#} s (not recorded)…");
            await mainRunner.RunAsync(warmup, model with { Duration = TimeSpan.FromSeconds(settings.Warmup), Iterations = null }, null, ct);
        }

        var collected = new StatsCollector();
        var apiMeter = ApiMeter.Create(settings.WatchPids, baseUrl, setupHttp);
        await apiMeter.StartAsync(ct);
        var cpu = new CpuMeter(settings.WatchPids);
        cpu.Start();
        // The shop API's CPU per phase, charged to the steps that phase introduced: requests per core-second of the
        // server is a figure the box's other load disturbs far less than requests per second.
        var shopCpu = new Dictionary<string, double>();
        foreach (var phase in scenario.Phases)
        {
            var known = collected.Steps.Select(s => s.Name).ToHashSet();
            var phaseCpu = new CpuMeter(settings.WatchPids);
            phaseCpu.Start();
            await Run($"{scenario.Name}: {phase.Name}", phase, model, collected, mainRunner);
            var api = phaseCpu.Stop()?.Processes.FirstOrDefault(CpuMeter.IsShopApi);
            if (api is { CpuSeconds: > 0 })
            {
                var introduced = collected.Steps.Select(s => s.Name).Where(n => !known.Contains(n)).ToList();
                foreach (var step in introduced) shopCpu[step] = api.CpuSeconds / introduced.Count;
            }
        }
        var cpuUse = cpu.Stop();

        var outcome = await scenario.VerifyAsync(scenarioContext, ct);
        // After the checks: the seckill drain (the order writer's work) belongs to the run's memory and GC too.
        var apiUse = await apiMeter.StopAsync(ct);
        if (settings.Baseline && wantedBaselines.Count > 0) await MeasureBaselinesAsync("after");
        var notes = outcome.Notes.ToList();
        if (cpuUse is { } use)
            notes.Add($"CPU during the measured phases: the machine was busy {use.MachineBusyCores:0.00} of {Environment.ProcessorCount} cores; " +
                      string.Join(", ", use.Processes.Select(p => $"{p.Process} {p.Cores:0.00}")) +
                      ". Whatever the listed processes do not account for went to other work on the machine.");
        var steps = collected.Steps.Select(s => s.Summarize()).ToList();
        var report = new RunReport(scenario.Name, scenario.Description, startedAt, baseUrl.ToString(), model.Describe(), settings.Warmup,
            Machine.Current(), steps, baselines, ReportBuilder.Ratios(scenario.Targets, steps, baselines, shopCpu, baselineCpu), outcome.Checks,
            [.. ReportBuilder.Thresholds(settings, steps), Verdict.Completed(scenario.Operation, scenario.CompletedOperations(steps))],
            outcome.Drain, notes, outcome.Challenge, apiUse);
        var folder = settings.ReportDir ?? Path.Combine(settings.ResolveDataDir(), "bench-reports", $"{scenario.Name}-{startedAt:yyyyMMdd-HHmmss}");
        ReportFiles.Write(report, folder);
        ConsoleView.Final(console, report, folder);
        return report.Passed ? ExitCodes.Passed : ExitCodes.Failed;
    }

    private static async Task EnsureShopAnswersAsync(HttpClient http, Uri baseUrl, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/health/live", ct);
            if (response.IsSuccessStatusCode) return;
            throw new RunFailure($"The shop at {baseUrl} answered {(int)response.StatusCode} on /health/live.");
        }
        catch (HttpRequestException e)
        {
            throw new RunFailure($"The shop does not answer at {baseUrl} ({e.Message}). Start it with ./mall up, or use ./mall bench.");
        }
    }
}

public sealed class SeckillCommand(IAnsiConsole console) : BenchCommand<SeckillSettings>(console)
{
    protected override Scenario CreateScenario(SeckillSettings settings) => new SeckillScenario(settings);
}

public sealed class BrowseCommand(IAnsiConsole console) : BenchCommand<BenchSettings>(console)
{
    protected override Scenario CreateScenario(BenchSettings settings) => new BrowseScenario();
}

public sealed class CheckoutCommand(IAnsiConsole console) : BenchCommand<CheckoutSettings>(console)
{
    protected override Scenario CreateScenario(CheckoutSettings settings) => new CheckoutScenario(settings);
}

public sealed class LoginCommand(IAnsiConsole console) : BenchCommand<LoginSettings>(console)
{
    protected override Scenario CreateScenario(LoginSettings settings) => new LoginScenario(settings);
}

public sealed class DashboardCommand(IAnsiConsole console) : BenchCommand<DashboardSettings>(console)
{
    protected override Scenario CreateScenario(DashboardSettings settings) => new DashboardScenario(settings);
}
