using System.ComponentModel;
using System.Net;
using Mall.LoadTests.Engine;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mall.LoadTests.Cli;

/// <summary>A mistake in how the CLI was called: reported as one clear line and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

public class BenchSettings : CommandSettings
{
    [CommandOption("--base-url <URL>")]
    [Description("The shop's API. Default: http://127.0.0.1:$MALL_API_PORT (5080).")]
    public string? BaseUrl { get; init; }

    [CommandOption("--allow-host <HOST>")]
    [Description("Permit a target that is not loopback; must equal the host of --base-url (only load-test what you own).")]
    public string? AllowHost { get; init; }

    [CommandOption("-m|--model <MODEL>")]
    [Description("closed (fixed connections), open (constant rate, latency from the intended send time) or ramp (rate climbs from --rate to --ramp-to).")]
    [DefaultValue("closed")]
    public string Model { get; init; } = "closed";

    [CommandOption("-c|--connections <N>")]
    [Description("Closed model: concurrent virtual users, one connection each.")]
    [DefaultValue(64)]
    public int Connections { get; init; } = 64;

    [CommandOption("-r|--rate <PER_SECOND>")]
    [Description("Open/ramp model: iterations started per second (ramp: the starting rate).")]
    public double? Rate { get; init; }

    [CommandOption("--ramp-to <PER_SECOND>")]
    [Description("Ramp model: the rate reached at the end of --duration.")]
    public double? RampTo { get; init; }

    [CommandOption("--max-in-flight <N>")]
    [Description("Open/ramp model: cap on concurrent requests; iterations over it wait, and the wait counts in their latency.")]
    [DefaultValue(2048)]
    public int MaxInFlight { get; init; } = 2048;

    [CommandOption("-d|--duration <SECONDS>")]
    [Description("Measured time (after warm-up).")]
    [DefaultValue(10.0)]
    public double Duration { get; init; } = 10;

    [CommandOption("-n|--iterations <N>")]
    [Description("Stop after this many iterations, or at --duration, whichever comes first.")]
    public long? Iterations { get; init; }

    [CommandOption("--warmup <SECONDS>")]
    [Description("Run first for this long without recording (JIT, connection pools, caches).")]
    [DefaultValue(2.0)]
    public double Warmup { get; init; } = 2;

    [CommandOption("--timeout <SECONDS>")]
    [Description("Per-request timeout; a request over it counts as error kind 'timeout'.")]
    [DefaultValue(10.0)]
    public double Timeout { get; init; } = 10;

    [CommandOption("--max-p95-ms <MS>")]
    [Description("Fail (exit 1) when any step's p95 latency is above this (dashboard: 200 unless given).")]
    public double? MaxP95Ms { get; init; }

    [CommandOption("--max-p99-ms <MS>")]
    [Description("Fail (exit 1) when any step's p99 latency is above this.")]
    public double? MaxP99Ms { get; init; }

    [CommandOption("--min-rps <RPS>")]
    [Description("Fail (exit 1) when any step's throughput is below this.")]
    public double? MinRps { get; init; }

    [CommandOption("--max-error-rate <FRACTION>")]
    [Description("Fail (exit 1) when errors / requests over all steps is above this (0..1). Default 0.01 (dashboard: 0).")]
    public double? MaxErrorRate { get; init; }

    /// <summary>The scenario's own p95 limit when --max-p95-ms is not given (null: none).</summary>
    public virtual double? DefaultMaxP95Ms => null;

    /// <summary>The error-rate limit when --max-error-rate is not given: a run whose requests mostly failed measured
    /// the failures, not the shop (a shop refusing every token answers 401 fast), so every scenario has one.</summary>
    public virtual double DefaultMaxErrorRate => Reporting.Verdict.DefaultMaxErrorRate;

    [CommandOption("--baseline")]
    [Description("Also measure, in this run (before and after the scenario), the baselines its ratios name — json: a bare Kestrel JSON endpoint (browse); lua: a bare endpoint doing only the shop's own attempt Lua call (seckill); hot-row: single-row stock-decrement commits on a scratch table of the shop's MariaDB, as many connections as -c (checkout) — and state the shop's figures as a ratio of their mean.")]
    public bool Baseline { get; init; }

    [CommandOption("--baseline-duration <SECONDS>")]
    [DefaultValue(5.0)]
    public double BaselineDuration { get; init; } = 5;

    [CommandOption("--report-dir <DIR>")]
    [Description("Where report.md, report.json and report.html go. Default: $MALL_DATA_DIR/bench-reports/<scenario>-<time>.")]
    public string? ReportDir { get; init; }

    [CommandOption("--no-live")]
    [Description("Plain progress lines instead of the live view (automatic when the output is not a terminal).")]
    public bool NoLive { get; init; }

    [CommandOption("--watch-pid <PID>")]
    [Description("A local process whose CPU use the report states for the measured window (the shop's API, mariadbd, redis-server); repeatable. ./mall bench passes them.")]
    public int[] WatchPids { get; init; } = [];

    [CommandOption("--data-dir <DIR>")]
    [Description("The shop's data folder (its development signing key is keys/jwt-signing.pem). Default: $MALL_DATA_DIR or ./.mall.")]
    public string? DataDir { get; init; }

    [CommandOption("--mysql <CONNECTION_STRING>")]
    [Description("The shop's database. Default: $ConnectionStrings__Mall (./mall bench sets it).")]
    public string? MySql { get; init; }

    [CommandOption("--redis <CONFIGURATION>")]
    [Description("The shop's Redis. Default: $ConnectionStrings__Redis.")]
    public string? Redis { get; init; }

    [CommandOption("--redis-prefix <PREFIX>")]
    [Description("The shop's Redis key prefix. Default: $MALL_REDIS_PREFIX or mall:.")]
    public string? RedisPrefix { get; init; }

    public override ValidationResult Validate()
    {
        if (!Enum.TryParse<LoadModelKind>(Model, ignoreCase: true, out var kind) || int.TryParse(Model, out _))
            return ValidationResult.Error($"--model must be closed, open or ramp (got '{Model}').");
        if (Connections is < 1 or > 10_000) return ValidationResult.Error("--connections must be between 1 and 10000.");
        if (Duration <= 0 || Duration > 3600) return ValidationResult.Error("--duration must be more than 0 and at most 3600 seconds.");
        if (Warmup < 0 || Warmup > 600) return ValidationResult.Error("--warmup must be between 0 and 600 seconds.");
        if (Timeout <= 0) return ValidationResult.Error("--timeout must be positive.");
        if (Iterations is <= 0) return ValidationResult.Error("--iterations must be positive.");
        if (MaxInFlight < 1) return ValidationResult.Error("--max-in-flight must be positive.");
        if (BaselineDuration <= 0) return ValidationResult.Error("--baseline-duration must be positive.");
        if (kind == LoadModelKind.Open && Rate is not > 0) return ValidationResult.Error("--model open needs --rate > 0.");
        if (kind == LoadModelKind.Ramp && (Rate is not >= 0 || RampTo is not > 0))
            return ValidationResult.Error("--model ramp needs --rate >= 0 (start) and --ramp-to > 0 (end).");
        if (kind == LoadModelKind.Closed && (Rate is not null || RampTo is not null))
            return ValidationResult.Error("--rate and --ramp-to belong to --model open or ramp, not closed.");
        if (MaxErrorRate is < 0 or > 1) return ValidationResult.Error("--max-error-rate is a fraction between 0 and 1.");
        if (MaxP99Ms is <= 0) return ValidationResult.Error("--max-p99-ms must be positive.");
        if (MaxP95Ms is <= 0) return ValidationResult.Error("--max-p95-ms must be positive.");
        if (MinRps is < 0) return ValidationResult.Error("--min-rps must not be negative.");
        try { _ = ResolveBaseUrl(); }
        catch (UsageException e) { return ValidationResult.Error(e.Message); }
        return ValidationResult.Success();
    }

    public LoadModel ToLoadModel() => new(
        Enum.Parse<LoadModelKind>(Model, ignoreCase: true), Connections, Rate ?? 0, RampTo ?? Rate ?? 0,
        TimeSpan.FromSeconds(Duration), Iterations, MaxInFlight);

    /// <summary>Loopback, or a host the caller named with --allow-host; anything else is refused.</summary>
    public Uri ResolveBaseUrl()
    {
        var text = BaseUrl ?? $"http://127.0.0.1:{Environment.GetEnvironmentVariable("MALL_API_PORT") ?? "5080"}";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new UsageException($"--base-url must be an absolute http(s) URL (got '{text}').");
        if (IsLoopback(uri)) return uri;
        if (AllowHost is not null && string.Equals(AllowHost, uri.Host, StringComparison.OrdinalIgnoreCase)) return uri;
        throw new UsageException($"Refusing to load-test {uri.Host}: only loopback targets are allowed unless you name the host " +
                                 $"with --allow-host {uri.Host} (load-test only machines you own).");
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    public string ResolveDataDir() =>
        DataDir ?? Environment.GetEnvironmentVariable("MALL_DATA_DIR") ?? Path.Combine(Directory.GetCurrentDirectory(), ".mall");

    public string ResolveMySql() => MySql ?? Environment.GetEnvironmentVariable("ConnectionStrings__Mall")
        ?? "Server=127.0.0.1;Port=3306;Database=mall;User ID=mall;Password=mall-dev-password";

    public string ResolveRedis() => Redis ?? Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "127.0.0.1:6379,password=mall-dev-redis";

    public string ResolveRedisPrefix() => RedisPrefix ?? Environment.GetEnvironmentVariable("MALL_REDIS_PREFIX") ?? "mall:";
}

public sealed class SeckillSettings : BenchSettings
{
    /// <summary>The most the shop accepts for an activity's challengeBits.</summary>
    public const int MaxChallengeBits = 26;

    [CommandOption("--shoppers <N>")]
    [Description("Shoppers prepared (one token + one attempt each).")]
    [DefaultValue(2000)]
    public int Shoppers { get; init; } = 2000;

    [CommandOption("--stock <N>")]
    [Description("The activity's stock.")]
    [DefaultValue(500)]
    public int Stock { get; init; } = 500;

    [CommandOption("--limit-per-user <N>")]
    [DefaultValue(1)]
    public int LimitPerUser { get; init; } = 1;

    [CommandOption("--flow <FLOW>")]
    [Description("phased: every shopper takes a token, then every shopper attempts (each step measured at full load); interleaved: token then attempt per shopper.")]
    [DefaultValue("phased")]
    public string Flow { get; init; } = "phased";

    [CommandOption("--client-ips <N>")]
    [Description("Distinct client addresses the shoppers come from, sent as X-Forwarded-For the way nginx forwards the real client address in production (the API trusts it from loopback only). 0: one per shopper; 1: all from loopback, so the per-IP limit applies to the whole run.")]
    [DefaultValue(0)]
    public int ClientIps { get; init; }

    [CommandOption("--challenge-bits <N>")]
    [Description("The activity's proof-of-work difficulty (its challengeBits, 0-26). Above 0 every shopper requests a challenge (step challenge; phased: a phase of its own before the tokens) and solves it in this CLI before taking its token; hashes and CPU time per shopper are reported. A token answered 428 is a failed request, retried once with a fresh challenge.")]
    [DefaultValue(0)]
    public int ChallengeBits { get; init; }

    [CommandOption("--drain-timeout <SECONDS>")]
    [Description("How long accepted reservations may take to become order rows before the invariants are checked.")]
    [DefaultValue(30.0)]
    public double DrainTimeout { get; init; } = 30;

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful) return common;
        if (Shoppers is < 1 or > 1_000_000) return ValidationResult.Error("--shoppers must be between 1 and 1000000.");
        if (Stock < 1) return ValidationResult.Error("--stock must be positive.");
        if (LimitPerUser < 1) return ValidationResult.Error("--limit-per-user must be positive.");
        if (Flow is not ("phased" or "interleaved")) return ValidationResult.Error($"--flow must be phased or interleaved (got '{Flow}').");
        if (DrainTimeout <= 0) return ValidationResult.Error("--drain-timeout must be positive.");
        if (ClientIps < 0) return ValidationResult.Error("--client-ips must not be negative.");
        if (ChallengeBits is < 0 or > MaxChallengeBits)
            return ValidationResult.Error($"--challenge-bits must be between 0 and {MaxChallengeBits} (got {ChallengeBits}).");
        return ValidationResult.Success();
    }
}

public sealed class CheckoutSettings : BenchSettings
{
    public const int MaxSkus = 1000;

    [CommandOption("--shoppers <N>")]
    [DefaultValue(200)]
    public int Shoppers { get; init; } = 200;

    [CommandOption("--skus <N>")]
    [Description("SKUs the buyers are spread over (created by the run, each with ample stock): 1 = every order locks one hot SKU's row.")]
    [DefaultValue(1)]
    public int Skus { get; init; } = 1;

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful) return common;
        if (Shoppers is < 1 or > 100_000) return ValidationResult.Error("--shoppers must be between 1 and 100000.");
        if (Skus is < 1 or > MaxSkus) return ValidationResult.Error($"--skus must be between 1 and {MaxSkus} (got {Skus}).");
        return ValidationResult.Success();
    }
}

public sealed class LoginSettings : BenchSettings
{
    [CommandOption("--accounts <N>")]
    [Description("Accounts attacked with wrong passwords.")]
    [DefaultValue(6)]
    public int Accounts { get; init; } = 6;

    [CommandOption("--account-limit <N>")]
    [Description("Failures per account the shop allows before 429 (Auth:Throttle:MaxFailuresPerAccount).")]
    [DefaultValue(5)]
    public int AccountLimit { get; init; } = 5;

    [CommandOption("--challenge-after <N>")]
    [Description("Failures from one address after which the shop asks each sign-in for a challenge (Auth:Throttle:ChallengeAfterFailuresPerIp).")]
    [DefaultValue(10)]
    public int ChallengeAfter { get; init; } = 10;

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful) return common;
        if (Accounts is < 1 or > 1000) return ValidationResult.Error("--accounts must be between 1 and 1000.");
        if (AccountLimit < 1 || ChallengeAfter < 1) return ValidationResult.Error("--account-limit and --challenge-after must be positive.");
        return ValidationResult.Success();
    }
}

public sealed class DashboardSettings : BenchSettings
{
    /// <summary>The issue's bound for every dashboard and order-search query.</summary>
    public const double P95LimitMs = 200;

    [CommandOption("--deep-page <N>")]
    [Description("The page the deep-paging steps ask for (20 orders a page; the admin list accepts pages up to 1000).")]
    [DefaultValue(500)]
    public int DeepPage { get; init; } = 500;

    [CommandOption("--accounts <N>")]
    [Description("Shoppers with orders whose accounts the user filter cycles through.")]
    [DefaultValue(200)]
    public int Accounts { get; init; } = 200;

    [CommandOption("--only <STEP>")]
    [Description("Run only the steps whose name starts with this: dashboard, orders, or one search (e.g. \"orders: deep page\"), to measure a query without the others' load on the database.")]
    public string? Only { get; init; }

    public override double? DefaultMaxP95Ms => P95LimitMs;
    public override double DefaultMaxErrorRate => 0;

    public override ValidationResult Validate()
    {
        var common = base.Validate();
        if (!common.Successful) return common;
        if (DeepPage is < 1 or > 1000) return ValidationResult.Error($"--deep-page must be between 1 and 1000 (got {DeepPage}).");
        if (Accounts is < 1 or > 10_000) return ValidationResult.Error($"--accounts must be between 1 and 10000 (got {Accounts}).");
        if (Only is not null && !Scenarios.DashboardScenario.StepNames.Any(n => n.StartsWith(Only, StringComparison.Ordinal)))
            return ValidationResult.Error($"--only names no step (got '{Only}'; steps: {string.Join(", ", Scenarios.DashboardScenario.StepNames)}).");
        return ValidationResult.Success();
    }
}

/// <summary>seed-orders writes rows straight into the shop's database; it sends no load, so it has none of the load options.</summary>
public sealed class SeedOrdersSettings : CommandSettings
{
    public const int MaxOrders = 20_000_000;

    [CommandOption("--orders <N>")]
    [Description("The database ends up with at least this many orders: only the difference is written, so a second run adds nothing.")]
    [DefaultValue(1_000_000)]
    public int Orders { get; init; } = 1_000_000;

    [CommandOption("--days <N>")]
    [Description("Orders are placed over this many days up to now.")]
    [DefaultValue(30)]
    public int Days { get; init; } = 30;

    [CommandOption("--shoppers <N>")]
    [Description("Shoppers the orders belong to (created if missing; they cannot sign in).")]
    [DefaultValue(50_000)]
    public int Shoppers { get; init; } = 50_000;

    [CommandOption("--products <N>")]
    [Description("Products (one SKU each) the items are drawn from, a few far more often than the rest.")]
    [DefaultValue(500)]
    public int Products { get; init; } = 500;

    [CommandOption("--batch <N>")]
    [Description("Orders per multi-row INSERT (their items go in one more statement, both in one transaction).")]
    [DefaultValue(5_000)]
    public int Batch { get; init; } = 5_000;

    [CommandOption("--writers <N>")]
    [Description("Connections writing batches side by side.")]
    [DefaultValue(2)]
    public int Writers { get; init; } = 2;

    [CommandOption("--seed <N>")]
    [Description("Random seed: the same seed writes the same mix.")]
    [DefaultValue(16)]
    public int Seed { get; init; } = 16;

    [CommandOption("--mysql <CONNECTION_STRING>")]
    [Description("The shop's database. Default: $ConnectionStrings__Mall (./mall bench sets it).")]
    public string? MySql { get; init; }

    // ./mall bench passes the shop's PIDs to every command; nothing here measures CPU.
    [CommandOption("--watch-pid <PID>", IsHidden = true)]
    public int[] WatchPids { get; init; } = [];

    public override ValidationResult Validate()
    {
        if (Orders is < 1 or > MaxOrders) return ValidationResult.Error($"--orders must be between 1 and {MaxOrders} (got {Orders}).");
        if (Days is < 1 or > 366) return ValidationResult.Error($"--days must be between 1 and 366 (got {Days}).");
        if (Shoppers is < 1 or > 1_000_000) return ValidationResult.Error($"--shoppers must be between 1 and 1000000 (got {Shoppers}).");
        if (Products is < 1 or > 100_000) return ValidationResult.Error($"--products must be between 1 and 100000 (got {Products}).");
        if (Batch is < 1 or > 20_000) return ValidationResult.Error($"--batch must be between 1 and 20000 (got {Batch}).");
        if (Writers is < 1 or > 16) return ValidationResult.Error($"--writers must be between 1 and 16 (got {Writers}).");
        return ValidationResult.Success();
    }

    public string ResolveMySql() => MySql ?? Environment.GetEnvironmentVariable("ConnectionStrings__Mall")
        ?? "Server=127.0.0.1;Port=3306;Database=mall;User ID=mall;Password=mall-dev-password";
}
