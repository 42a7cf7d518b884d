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
/// interleaved: page, token and attempt per shopper.
/// </summary>
public sealed class SeckillScenario(SeckillSettings settings) : Scenario
{
    private const int WarmupShoppers = 32;
    private IReadOnlyList<BenchUser> _shoppers = [];
    private IReadOnlyList<BenchUser> _warmupShoppers = [];
    private string?[] _tokens = [];
    private BenchUser _admin = null!;
    private readonly ConcurrentBag<AcceptedReservation> _accepted = [];
    private long _firstAcceptTicks = long.MaxValue;
    private long _acceptedCount; // _accepted.Count, readable without ConcurrentBag.Count freezing the bag every sample
    private OrderRowWatcher? _watcher;
    private WriterMetrics? _metricsBefore;

    public long ActivityId { get; private set; }
    public override string Name => "seckill";
    public override string Description =>
        $"{settings.Shoppers:N0} shoppers, stock {settings.Stock:N0}, limit {settings.LimitPerUser}/shopper, {settings.Flow}";

    public override IReadOnlyList<RatioTarget> Targets =>
    [
        new("seckill attempt vs bare Lua endpoint", ["attempt"], "lua", 0.60, 25,
            "target: ≥ 60 % of the bare-Lua baseline with p99 ≤ 25 ms at 256 connections"),
    ];

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        var shop = context.Shop;
        _admin = await shop.AdminAsync(ct);
        _shoppers = await shop.InsertShoppersAsync(settings.Shoppers + WarmupShoppers, ct);
        _warmupShoppers = _shoppers.Skip(settings.Shoppers).ToList();
        _shoppers = _shoppers.Take(settings.Shoppers).ToList();
        _tokens = new string?[_shoppers.Count];
        var (_, skuId) = await shop.InsertProductAsync("Seckill bench", 99_900, settings.Stock, ct);

        var startsAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var created = await ReadOkAsync(await context.SetupHttp.SendAsync(Send(HttpMethod.Post, "/api/v1/admin/seckill/activities", new
        {
            skuId, title = $"Bench {context.RunId}", priceCents = 100, stock = settings.Stock, limitPerUser = settings.LimitPerUser,
            startsAt, endsAt = startsAt.AddHours(2),
        }, _admin.AccessToken), ct), "Creating the seckill activity (POST /api/v1/admin/seckill/activities)");
        ActivityId = created.GetProperty("id").GetInt64();
        await ReadOkAsync(await context.SetupHttp.SendAsync(Send(HttpMethod.Post, $"/api/v1/admin/seckill/activities/{ActivityId}/publish",
            new { }, _admin.AccessToken), ct), "Publishing the activity");
        _metricsBefore = await WriterMetrics.ReadAsync(context.SetupHttp, ct);
        _watcher = new OrderRowWatcher(shop.OpenAsync, ActivityId, () => Interlocked.Read(ref _acceptedCount), TimeSpan.FromMilliseconds(100));
        var wait = startsAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }

    public override Phase? Warmup => new("warm-up", async (context, ct) =>
    {
        var shopper = _warmupShoppers[(int)(context.Index % _warmupShoppers.Count)];
        await context.StepAsync("warm-up detail", () => Get($"/api/v1/seckill/activities/{ActivityId}"), _ => true, ct);
        await context.StepAsync("warm-up token", () => FromShopper(Send(HttpMethod.Post, $"/api/v1/seckill/activities/{ActivityId}/token", new { },
            shopper.AccessToken), settings.Shoppers + (int)(context.Index % WarmupShoppers)), _ => true, ct);
    });

    public override IReadOnlyList<Phase> Phases => settings.Flow == "phased"
        ?
        [
            new Phase("pages", (c, ct) => PageAsync(c, ct), _shoppers.Count),
            new Phase("tokens", (c, ct) => TokenAsync(c, ct), _shoppers.Count),
            new Phase("attempts", (c, ct) => AttemptAsync(c, ct), _shoppers.Count),
        ]
        : [new Phase("shoppers", async (c, ct) => { await PageAsync(c, ct); if (await TokenAsync(c, ct)) await AttemptAsync(c, ct); }, _shoppers.Count)];

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

    private async Task<bool> TokenAsync(IterationContext context, CancellationToken ct)
    {
        var i = (int)context.Index;
        var result = await context.StepAsync("token", () => FromShopper(Send(HttpMethod.Post, $"/api/v1/seckill/activities/{ActivityId}/token", new { },
            _shoppers[i].AccessToken), i), Only(200, 410), ct);
        if (result.Status != 200) return false;
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
        return new ScenarioOutcome(checks, drain, notes);
    }

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
