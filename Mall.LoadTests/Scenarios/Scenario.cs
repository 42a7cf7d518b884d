using System.Net.Http.Headers;
using System.Text.Json;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Shop;
using Spectre.Console;

namespace Mall.LoadTests.Scenarios;

/// <summary>A named outcome checked after the run (an invariant, an abuse check). A failed check fails the run.</summary>
public sealed record Check(string Name, bool Passed, string Detail);

/// <summary>
/// A target from the issue, stated as a ratio of a same-run baseline. Steps: which steps' combined throughput is
/// compared (requests over the steps' common window).
/// </summary>
/// <param name="MaxP99Ms">an absolute bound on the steps' p99</param>
/// <param name="MaxP99Ratio">a bound relative to the baseline's p99 in the same run (the mean of its measurements): the
/// tail the shop adds to the bare endpoint, whatever the machine's own tail that day</param>
public sealed record RatioTarget(string Label, string[] Steps, string Baseline, double? MinRatio, double? MaxP99Ms, string Note,
    double? MaxP99Ratio = null);

/// <summary>How fast accepted reservations became order rows. Row times come from sampling the row count every
/// <paramref name="SampleIntervalMs"/> (see OrderRowWatcher), so they are exact to one interval.</summary>
/// <param name="OrdersPerSecond">orders over first accept → last order row written</param>
/// <param name="WriterOrdersPerSecond">orders over first → last order row written: the drain rate when a backlog built up</param>
/// <param name="OrdersPerWriteSecond">orders per second of the writer's busy time (from the shop's /metrics)</param>
/// <param name="PeakBacklog">the most reservations accepted but not yet written at one sample</param>
public sealed record Drain(DateTime FirstAcceptUtc, DateTime? FirstOrderUtc, DateTime? LastOrderUtc, long Orders,
    double AcceptToLastOrderSeconds, double OrdersPerSecond, double WriterOrdersPerSecond, double? OrdersPerWriteSecond, double? AverageBatch,
    long PeakBacklog, double SampleIntervalMs);

/// <param name="Challenge">the proof-of-work's cost to the shoppers (seckill with --challenge-bits), else null</param>
public sealed record ScenarioOutcome(IReadOnlyList<Check> Checks, Drain? Drain, IReadOnlyList<string> Notes, ChallengeCost? Challenge = null);

public sealed class ScenarioContext(Uri baseUrl, HttpClient setupHttp, BenchSettings settings, IAnsiConsole console, string runId)
{
    public Uri BaseUrl { get; } = baseUrl;
    public HttpClient SetupHttp { get; } = setupHttp;
    public BenchSettings Settings { get; } = settings;
    public IAnsiConsole Console { get; } = console;
    public string RunId { get; } = runId;

    private ShopData? _shop;

    /// <summary>Direct access to the shop's database and signing key (the fast way to prepare users).</summary>
    public ShopData Shop => _shop ??= new ShopData(Settings.ResolveMySql(), TokenSigner.FromDataDir(Settings.ResolveDataDir()), RunId);
}

public abstract class Scenario
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public abstract string Name { get; }
    public abstract string Description { get; }
    public virtual Phase? Warmup => null;
    public abstract IReadOnlyList<Phase> Phases { get; }
    public virtual IReadOnlyList<RatioTarget> Targets => [];

    /// <summary>What the scenario exists to get done, as the report counts it ("orders placed"): a run that did none of
    /// it fails, however fast its requests were answered.</summary>
    public abstract string Operation { get; }

    /// <summary>How many of <see cref="Operation"/> the measured phases completed (warm-up not counted).</summary>
    public abstract long CompletedOperations(IReadOnlyList<StepSummary> steps);

    /// <summary>Requests of the named steps (all steps when none named) answered as the step expects.</summary>
    protected static long Succeeded(IReadOnlyList<StepSummary> steps, params string[] names) =>
        steps.Where(s => names.Length == 0 || names.Contains(s.Name)).Sum(s => s.Requests - s.Failed);

    public abstract Task PrepareAsync(ScenarioContext context, CancellationToken ct);

    public virtual Task<ScenarioOutcome> VerifyAsync(ScenarioContext context, CancellationToken ct) =>
        Task.FromResult(new ScenarioOutcome([], null, []));

    protected static HttpRequestMessage Get(string path, string? token = null) => WithToken(new HttpRequestMessage(HttpMethod.Get, path), token);

    protected static HttpRequestMessage Send<T>(HttpMethod method, string path, T body, string? token = null)
    {
        // Serialised up front so the body goes out with a Content-Length, as a browser's fetch sends it: JsonContent
        // streams with chunked transfer encoding, which costs the server a body pump per request no shopper causes.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return WithToken(new HttpRequestMessage(method, path) { Content = content }, token);
    }

    private static HttpRequestMessage WithToken(HttpRequestMessage message, string? token)
    {
        if (token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return message;
    }

    protected static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new RunFailure($"{what}: {(int)response.StatusCode} {response.ReasonPhrase} {Trim(body)}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    protected static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text;

    protected static Func<int, bool> Only(params int[] statuses) => statuses.Contains;
}

/// <summary>The run could not go on (shop down, an API the scenario needs is missing): exit code 3, one clear line.</summary>
public sealed class RunFailure(string message) : Exception(message);
