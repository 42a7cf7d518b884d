using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Shop;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// N shoppers, one activity with stock S. Every shopper opens the activity page signed in (step "page": the SPA loads
/// the activity with the shopper's bearer token, so this is where the shop first verifies it), takes a one-time token
/// (step "token"), then attempts (step "attempt"). Phased (default): all pages first, then all tokens, then all
/// attempts, so each step is measured at full load and "attempt" compares directly with the one-Lua-call baseline;
/// interleaved: page, token and attempt per shopper. With --challenge-bits N the activity asks for a proof-of-work:
/// every shopper requests a challenge (step "challenge") and solves it here, in the CLI, before its token (phased:
/// a "challenges" phase of its own, so "token" is measured without the solving in its way); the cost is reported.
/// </summary>
public sealed class SeckillScenario(SeckillSettings settings) : Scenario
{
    /// <summary>How long the sale's unpaid orders live (the most an activity allows).</summary>
    public const int UnpaidOrderLifetimeSeconds = 3600;

    private const int WarmupShoppers = 32;
    /// <summary>Above this the warm-up does not solve (a 2^26 solve per iteration would outlast any warm-up): it
    /// requests a challenge and sends its token without a solution, which the shop answers 428.</summary>
    private const int WarmupMaxSolveBits = 16;
    public const string ChallengeHeader = "Mall-Challenge";
    private IReadOnlyList<BenchUser> _shoppers = [];
    private IReadOnlyList<BenchUser> _warmupShoppers = [];
    private string?[] _tokens = [];
    private string?[] _challenges = []; // Mall-Challenge header values solved in the challenges phase ("" = none asked)
    private ChallengeMeter _challengeMeter = new(0);
    private BenchUser _admin = null!;
    private readonly ConcurrentBag<AcceptedReservation> _accepted = [];
    private long _firstAcceptTicks = long.MaxValue;
    private long _acceptedCount; // _accepted.Count, readable without ConcurrentBag.Count freezing the bag every sample
    private OrderRowWatcher? _watcher;
    private WriterMetrics? _metricsBefore;

    public long ActivityId { get; private set; }
    public override string Name => "seckill";
    public override string Description =>
        $"{settings.Shoppers:N0} shoppers, stock {settings.Stock:N0}, limit {settings.LimitPerUser}/shopper, {settings.Flow}" +
        (settings.ChallengeBits > 0 ? $", proof-of-work {settings.ChallengeBits} bits" : "");

    public override IReadOnlyList<RatioTarget> Targets =>
    [
        new("seckill attempt vs bare Lua endpoint", ["attempt"], "lua", 0.70, null,
            "issue 19 target: ≥ 70 % of the same-run bare-Lua baseline, p99 ≤ 1.25 × its p99", MaxP99Ratio: 1.25),
    ];

    public override string Operation => "attempts accepted";
    public override long CompletedOperations(IReadOnlyList<StepSummary> steps) => Interlocked.Read(ref _acceptedCount);

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        var shop = context.Shop;
        _admin = await shop.AdminAsync(ct);
        _shoppers = await shop.InsertShoppersAsync(settings.Shoppers + WarmupShoppers, ct);
        _warmupShoppers = _shoppers.Skip(settings.Shoppers).ToList();
        _shoppers = _shoppers.Take(settings.Shoppers).ToList();
        _tokens = new string?[_shoppers.Count];
        _challenges = new string?[_shoppers.Count];
        _challengeMeter = new ChallengeMeter(_shoppers.Count);
        var (_, skuId) = await shop.InsertProductAsync("Seckill bench", 99_900, settings.Stock, ct);

        var startsAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var activity = new Dictionary<string, object>
        {
            ["skuId"] = skuId, ["title"] = $"Bench {context.RunId}", ["priceCents"] = 100, ["stock"] = settings.Stock,
            ["limitPerUser"] = settings.LimitPerUser, ["startsAt"] = startsAt, ["endsAt"] = startsAt.AddHours(2),
            // The shoppers never pay. With the shop's default 5 minutes, every unpaid order of the sale expired (a status
            // change, a Lua return and a push each) in the middle of whatever was measured 5 minutes later: 60,000 of
            // them ran under the browse and checkout runs of a sitting. An hour keeps them out of the sitting.
            ["paymentSeconds"] = UnpaidOrderLifetimeSeconds,
        };
        // Only when asked: a shop without proof-of-work challenges then still takes the body it always took.
        if (settings.ChallengeBits > 0) activity["challengeBits"] = settings.ChallengeBits;
        var created = await ReadOkAsync(await context.SetupHttp.SendAsync(Send(HttpMethod.Post, "/api/v1/admin/seckill/activities", activity,
            _admin.AccessToken), ct), "Creating the seckill activity (POST /api/v1/admin/seckill/activities)");
        ActivityId = created.GetProperty("id").GetInt64();
        await ReadOkAsync(await context.SetupHttp.SendAsync(Send(HttpMethod.Post, $"/api/v1/admin/seckill/activities/{ActivityId}/publish",
            new { }, _admin.AccessToken), ct), "Publishing the activity");
        if (settings.ChallengeBits > 0) await EnsureChallengeBitsAsync(context, ct);
        _metricsBefore = await WriterMetrics.ReadAsync(context.SetupHttp, ct);
        _watcher = new OrderRowWatcher(shop.OpenAsync, ActivityId, () => Interlocked.Read(ref _acceptedCount), TimeSpan.FromMilliseconds(100));
        var wait = startsAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }

    /// <summary>The activity must state the difficulty asked for: a shop that ignored challengeBits would make the
    /// run measure something other than what it claims.</summary>
    private async Task EnsureChallengeBitsAsync(ScenarioContext context, CancellationToken ct)
    {
        var read = await ReadOkAsync(await context.SetupHttp.SendAsync(Get($"/api/v1/seckill/activities/{ActivityId}", _admin.AccessToken), ct),
            $"Reading the activity (GET /api/v1/seckill/activities/{ActivityId})");
        var bits = read.ValueKind == JsonValueKind.Object && read.TryGetProperty("challengeBits", out var b) && b.ValueKind == JsonValueKind.Number
            ? b.GetInt32()
            : (int?)null;
        if (bits != settings.ChallengeBits)
            throw new RunFailure($"The activity was created with challengeBits {settings.ChallengeBits} but the shop reports " +
                                 $"{(bits is null ? "no challengeBits" : bits.ToString())}: does it support proof-of-work challenges (POST /api/v1/challenges)?");
    }

    public override Phase? Warmup => new("warm-up", async (context, ct) =>
    {
        var shopper = _warmupShoppers[(int)(context.Index % _warmupShoppers.Count)];
        var address = settings.Shoppers + (int)(context.Index % WarmupShoppers);
        await context.StepAsync("warm-up detail", () => Get($"/api/v1/seckill/activities/{ActivityId}"), _ => true, ct);
        var challenge = settings.ChallengeBits > 0
            ? await RequestChallengeAsync(context, "warm-up challenge", address, settings.ChallengeBits <= WarmupMaxSolveBits, ct) ?? ""
            : "";
        await context.StepAsync("warm-up token", () => WithChallenge(FromShopper(Send(HttpMethod.Post, $"/api/v1/seckill/activities/{ActivityId}/token",
            new { }, shopper.AccessToken), address), challenge), _ => true, ct);
    });

    public override IReadOnlyList<Phase> Phases
    {
        get
        {
            if (settings.Flow != "phased")
                return [new Phase("shoppers", async (c, ct) =>
                {
                    await PageAsync(c, ct);
                    if (await ChallengeAsync(c, ct) && await TokenAsync(c, ct)) await AttemptAsync(c, ct);
                }, _shoppers.Count)];
            var phases = new List<Phase> { new("pages", (c, ct) => PageAsync(c, ct), _shoppers.Count) };
            if (settings.ChallengeBits > 0) phases.Add(new Phase("challenges", (c, ct) => ChallengeAsync(c, ct), _shoppers.Count));
            phases.Add(new Phase("tokens", (c, ct) => TokenAsync(c, ct), _shoppers.Count));
            phases.Add(new Phase("attempts", (c, ct) => AttemptAsync(c, ct), _shoppers.Count));
            return phases;
        }
    }

    /// <summary>
    /// Shoppers of a real sale come from many addresses and reach the API through nginx, which forwards the
    /// address in X-Forwarded-For; the bench does the same, so the per-IP limit sees what it would in production.
    /// </summary>
    private HttpRequestMessage FromShopper(HttpRequestMessage message, int shopper)
    {
        if (settings.ClientIps == 1) return message;
        var n = settings.ClientIps == 0 ? shopper : shopper % settings.ClientIps;
        message.Headers.Add("X-Forwarded-For", $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");
        return message;
    }

    private async Task PageAsync(IterationContext context, CancellationToken ct)
    {
        var i = (int)context.Index;
        await context.StepAsync("page", () => FromShopper(Get($"/api/v1/seckill/activities/{ActivityId}", _shoppers[i].AccessToken), i), Only(200), ct);
    }

    private static HttpRequestMessage WithChallenge(HttpRequestMessage message, string challenge)
    {
        if (challenge.Length > 0) message.Headers.TryAddWithoutValidation(ChallengeHeader, challenge);
        return message;
    }

    /// <summary>The shopper's challenge for the activity, solved: stored for its token step.</summary>
    private async Task<bool> ChallengeAsync(IterationContext context, CancellationToken ct)
    {
        if (settings.ChallengeBits == 0) return true;
        var i = (int)context.Index;
        _challenges[i] = await RequestChallengeAsync(context, "challenge", i, solve: true, ct);
        return _challenges[i] is not null;
    }

    /// <summary>
    /// POST /api/v1/challenges (anonymous, as the SPA asks before the token) and, when <paramref name="solve"/>, the
    /// solving, measured per shopper. Returns the Mall-Challenge header value ("" when the shop asks for no work, or
    /// when not solving), or null when no challenge came.
    /// </summary>
    private async Task<string?> RequestChallengeAsync(IterationContext context, string step, int shopper, bool solve, CancellationToken ct)
    {
        var result = await context.StepAsync(step, () => FromShopper(Send(HttpMethod.Post, "/api/v1/challenges",
            new { purpose = "seckill", activityId = ActivityId }), shopper), Only(200), ct);
        if (!result.Ok) return null;
        using var body = JsonDocument.Parse(result.Body);
        var id = body.RootElement.GetProperty("challengeId").GetString()!;
        var difficulty = body.RootElement.GetProperty("difficulty").GetInt32();
        if (difficulty <= 0 || !solve) return "";
        if (difficulty > SeckillSettings.MaxChallengeBits) // never spin on a runaway difficulty: the iteration fails, and says why
            throw new InvalidOperationException($"The shop asked for {difficulty} bits, more than an activity can have ({SeckillSettings.MaxChallengeBits}).");
        var solved = ChallengeSolver.SolveMeasured(id, difficulty);
        if (!context.IsWarmup) _challengeMeter.Solved(shopper, difficulty, settings.ChallengeBits, solved);
        return $"{id}:{solved.Solution}";
    }

    private Task<StepResult> RequestTokenAsync(IterationContext context, int i, string challenge, CancellationToken ct) =>
        context.StepAsync("token", () => WithChallenge(FromShopper(Send(HttpMethod.Post, $"/api/v1/seckill/activities/{ActivityId}/token", new { },
            _shoppers[i].AccessToken), i), challenge), Only(200, 410), ct);

    private async Task<bool> TokenAsync(IterationContext context, CancellationToken ct)
    {
        var i = (int)context.Index;
        var challenge = settings.ChallengeBits > 0 ? _challenges[i] : "";
        if (challenge is null) return false; // its challenge request failed, or the challenges phase ended before this shopper
        var result = await RequestTokenAsync(context, i, challenge, ct);
        if (result.Status == 428 && settings.ChallengeBits > 0)
        {
            // Already a failed request of step "token". One more try with a fresh challenge (the first may have
            // expired while the phase ran), never more: a shop that keeps refusing solved challenges fails the run.
            _challengeMeter.Rejected();
            challenge = await RequestChallengeAsync(context, "challenge", i, solve: true, ct);
            if (challenge is null) return false;
            _challengeMeter.Retried();
            result = await RequestTokenAsync(context, i, challenge, ct);
            if (result.Status == 428)
            {
                _challengeMeter.Rejected();
                _challengeMeter.StillRejected();
            }
        }
        if (result.Status != 200) return false;
        if (settings.ChallengeBits > 0) _challengeMeter.TokenIssued();
        using var body = JsonDocument.Parse(result.Body);
        _tokens[i] = body.RootElement.GetProperty("token").GetString()!;
        return true;
    }

    private async Task AttemptAsync(IterationContext context, CancellationToken ct)
    {
        var i = (int)context.Index;
        if (_tokens[i] is not { } token) return; // no token (sold out before this shopper got one)
        var result = await context.StepAsync("attempt", () => FromShopper(Send(HttpMethod.Post, $"/api/v1/seckill/activities/{ActivityId}/attempts",
            new { token, quantity = 1 }, _shoppers[i].AccessToken), i), Only(202, 409, 410), ct);
        if (result.Status != 202) return;
        var now = DateTime.UtcNow.Ticks;
        var first = Interlocked.Read(ref _firstAcceptTicks);
        while (now < first && Interlocked.CompareExchange(ref _firstAcceptTicks, now, first) != first) first = Interlocked.Read(ref _firstAcceptTicks);
        using var body = JsonDocument.Parse(result.Body);
        _accepted.Add(new AcceptedReservation(body.RootElement.GetProperty("reservationId").ToString(), _shoppers[i].UserId, 1));
        Interlocked.Increment(ref _acceptedCount);
    }

    public override async Task<ScenarioOutcome> VerifyAsync(ScenarioContext context, CancellationToken ct)
    {
        var notes = new List<string>();
        await using var db = await context.Shop.OpenAsync();
        var expected = _accepted.Count;
        var deadline = DateTime.UtcNow.AddSeconds(settings.DrainTimeout);
        Reconciliation? reconciliation;
        // Wait for the writer: until every accepted reservation is a row and nothing is pending, or the timeout. Both
        // sides are read in full only once the row count says the writer is done: the reconcile call reads the whole
        // reservation log in one Redis call (up to 180 ms a time with tens of thousands queued) and the row read is the
        // whole activity, so polling either slowed the very drain being measured.
        while (true)
        {
            var rows = await db.ExecuteScalarAsync<long>(new CommandDefinition(OrderRowWatcher.CountSql, new { ActivityId }, cancellationToken: ct));
            var timedOut = DateTime.UtcNow > deadline;
            reconciliation = rows >= expected || timedOut ? await ReconcileAsync(context, ct) : null;
            if (timedOut || (rows >= expected && reconciliation is not { PendingReservations: > 0 })) break;
            await Task.Delay(rows >= expected ? 500 : 100, ct);
        }
        var orders = await SeckillInvariants.ReadOrdersAsync(db, ActivityId, ct);
        if (reconciliation is null) notes.Add("The reconcile endpoint did not answer 200; the Redis-side invariants are reported as failed.");

        await using var watcher = _watcher ?? throw new InvalidOperationException("PrepareAsync starts the order-row watcher.");
        var checks = SeckillInvariants.Evaluate(_accepted.ToList(), orders, reconciliation, settings.Stock, settings.LimitPerUser).ToList();
        ChallengeCost? challenge = null;
        if (settings.ChallengeBits > 0)
        {
            challenge = _challengeMeter.Summarise(settings.ChallengeBits);
            checks.Add(ChallengeCheck(challenge));
            if (challenge.OtherDifficulty > 0)
                notes.Add($"{challenge.OtherDifficulty:N0} challenges asked for another difficulty than the activity's {settings.ChallengeBits} bits.");
        }
        Drain? drain = null;
        if (expected > 0)
        {
            var firstAccept = new DateTime(Interlocked.Read(ref _firstAcceptTicks), DateTimeKind.Utc);
            var rows = OrderRowWatcher.Summarise(await watcher.StopAsync(), orders.Count);
            var span = rows.AllRowsUtc is { } l ? Math.Max((l - firstAccept).TotalSeconds, 0.001) : 0;
            var writerSpan = rows.AllRowsUtc is { } last && rows.FirstRowUtc is { } f ? Math.Max((last - f).TotalSeconds, 0.001) : 0;
            var writer = WriterMetrics.Delta(_metricsBefore, await WriterMetrics.ReadAsync(context.SetupHttp, ct));
            drain = new Drain(firstAccept, rows.FirstRowUtc, rows.AllRowsUtc, orders.Count, span, Rates.PerSecond(orders.Count, span),
                Rates.PerSecond(orders.Count, writerSpan), writer?.OrdersPerWriteSecond, writer?.AverageBatch, rows.PeakBacklog,
                watcher.Interval.TotalMilliseconds);
        }
        notes.Add($"Activity {ActivityId}: {expected:N0} reservations accepted out of stock {settings.Stock:N0}.");
        return new ScenarioOutcome(checks, drain, notes, challenge);
    }

    /// <summary>Every shopper whose solved challenge the shop refused twice went without a token: that fails the run.</summary>
    public static Check ChallengeCheck(ChallengeCost cost) => new(
        "every solved challenge accepted (at most one retry)", cost.StillRejected == 0,
        $"{cost.Challenges:N0} challenges solved at {cost.Bits} bits, {cost.Tokens:N0} tokens; {cost.Rejected:N0} token requests answered 428 " +
        $"({cost.Retries:N0} retried with a fresh challenge, {cost.StillRejected:N0} shoppers refused again)");

    private async Task<Reconciliation?> ReconcileAsync(ScenarioContext context, CancellationToken ct)
    {
        using var response = await context.SetupHttp.SendAsync(Get($"/api/v1/admin/seckill/activities/{ActivityId}/reconcile", _admin.AccessToken), ct);
        if (!response.IsSuccessStatusCode) return null;
        return JsonSerializer.Deserialize<Reconciliation>(await response.Content.ReadAsStringAsync(ct), Json);
    }
}

/// <summary>
/// The order writer's own figures from /metrics (mall_seckill_orders_written_total, mall_seckill_batch_write_seconds):
/// orders per second of time spent writing, i.e. what the writer sustains while it has work — the drain rate from a
/// backlog, which the accept rate of a run may not be high enough to show end to end.
/// </summary>
public sealed record WriterMetrics(double OrdersWritten, double WriteSeconds, double Batches)
{
    public static async Task<WriterMetrics?> ReadAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/metrics", ct);
            if (!response.IsSuccessStatusCode) return null;
            var text = await response.Content.ReadAsStringAsync(ct);
            double Value(string name) => text.Split('\n').Where(l => l.StartsWith(name + " ") || l.StartsWith(name + "{"))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            return new WriterMetrics(Value("mall_seckill_orders_written_total"), Value("mall_seckill_batch_write_seconds_sum"),
                Value("mall_seckill_batch_write_seconds_count"));
        }
        catch (Exception e) when (e is HttpRequestException or FormatException) { return null; }
    }

    public static (double? OrdersPerWriteSecond, double? AverageBatch)? Delta(WriterMetrics? before, WriterMetrics? after)
    {
        if (before is null || after is null) return null;
        var orders = after.OrdersWritten - before.OrdersWritten;
        var seconds = after.WriteSeconds - before.WriteSeconds;
        var batches = after.Batches - before.Batches;
        if (orders <= 0 || seconds <= 0 || batches <= 0) return null;
        return (orders / seconds, orders / batches);
    }
}
