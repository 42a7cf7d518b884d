using System.Collections.Concurrent;
using System.Text.Json;
using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Shop;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// Normal checkout: a shopper puts one unit in the cart (step "cart"), then places the order from the cart with
/// an Idempotency-Key (step "order", the MySQL stock-locking transaction). The SKUs have ample stock, so every
/// order should succeed; a 409 here means stock locking refused a sale it should have made. The shopper then
/// cancels (step "cancel"): the shop caps unpaid orders per shopper (Orders:MaxOpenUnpaidOrders), and a
/// cancellation is the other half of the stock-locking path (locked −= q). With --skus N the iterations spread over
/// N SKUs (1: one hot row). Every <see cref="ReplayEvery"/>th order is sent again with the same key and body (step
/// "order replay"), as a client that lost the answer would; afterwards the orders, the stock columns and the
/// replays are checked against MySQL (<see cref="CheckoutInvariants"/>).
/// </summary>
public sealed class CheckoutScenario(CheckoutSettings settings) : Scenario
{
    public const int ReplayEvery = 20;
    /// <summary>Per SKU: more than any run sells (orders are cancelled again, so this only bounds the unpaid ones).</summary>
    private const int StockPerSku = 100_000_000;

    private IReadOnlyList<BenchUser> _shoppers = [];
    private Dictionary<long, long> _addresses = [];
    private long[] _skuIds = [];
    private IReadOnlyList<SkuStock> _stockBefore = [];
    private readonly ConcurrentDictionary<string, byte> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<OrderReplay> _replays = [];
    private long _ordersPlaced, _cancelled, _unanswered;

    public override string Name => "checkout";
    public override string Description =>
        $"{settings.Shoppers:N0} shoppers on {(settings.Skus == 1 ? "one hot SKU" : $"{settings.Skus} SKUs")}: cart → order → cancel, " +
        $"every {ReplayEvery}th order replayed with its Idempotency-Key";

    public override IReadOnlyList<RatioTarget> Targets =>
    [
        settings.Skus == 1
            ? new("checkout orders vs hot-row commits", ["order"], "hot-row", 0.25, 50,
                "issue 19 target: ≥ 25 % of the same-run hot-row ceiling, order p99 ≤ 50 ms")
            : new("checkout orders vs hot-row commits", ["order"], "hot-row", null, null,
                $"{settings.Skus} SKUs: no ratio target (issue 19: ≥ 2× the one-SKU orders/s)"),
    ];

    public override string Operation => "orders placed";
    public override long CompletedOperations(IReadOnlyList<StepSummary> steps) => Interlocked.Read(ref _ordersPlaced);

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        var shop = context.Shop;
        _shoppers = await shop.InsertShoppersAsync(settings.Shoppers, ct);
        _addresses = await shop.InsertAddressesAsync(_shoppers, ct);
        var skus = new long[settings.Skus];
        for (var i = 0; i < skus.Length; i++) (_, skus[i]) = await shop.InsertProductAsync($"Checkout bench {i + 1}", 1_990, StockPerSku, ct);
        _skuIds = skus;
        await using var db = await shop.OpenAsync();
        _stockBefore = (await CheckoutInvariants.ReadAsync(db, _skuIds, ct)).Stock;
    }

    public override Phase? Warmup => Checkout;
    public override IReadOnlyList<Phase> Phases => [Checkout];

    private Phase Checkout => new("checkout", async (context, ct) =>
    {
        var shopper = _shoppers[(int)(context.Index % _shoppers.Count)];
        var skuId = _skuIds[(int)(context.Index % _skuIds.Length)];
        var cart = await context.StepAsync("cart", () => Send(HttpMethod.Put, $"/api/v1/cart/items/{skuId}", new { quantity = 1 }, shopper.AccessToken),
            Only(200), ct);
        if (!cart.Ok) return;
        var key = Guid.NewGuid().ToString("N");
        HttpRequestMessage PlaceOrder()
        {
            var message = Send(HttpMethod.Post, "/api/v1/orders", new { fromCart = true, addressId = _addresses[shopper.UserId] }, shopper.AccessToken);
            message.Headers.Add("Idempotency-Key", key);
            return message;
        }
        var order = await context.StepAsync("order", PlaceOrder, Only(201), ct);
        if (order.Status is 0 or >= 500) Interlocked.Increment(ref _unanswered);
        if (!order.Ok) return;
        var orderNo = OrderNo(order.Body);
        _answered.TryAdd(orderNo, 0);
        if (!context.IsWarmup) Interlocked.Increment(ref _ordersPlaced);
        if (context.Index % ReplayEvery == 0)
        {
            // The same key and body again: the shop must answer the first order, never place a second one.
            var replay = await context.StepAsync("order replay", PlaceOrder, Only(201), ct);
            _replays.Add(new OrderReplay(key, orderNo, replay.Ok ? OrderNo(replay.Body) : null, replay.Status));
        }
        var cancel = await context.StepAsync("cancel", () => Send(HttpMethod.Post, $"/api/v1/orders/{orderNo}/cancel", new { }, shopper.AccessToken),
            Only(200), ct);
        if (cancel.Ok && !context.IsWarmup) Interlocked.Increment(ref _cancelled);
    });

    private static string OrderNo(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("orderNo").GetString()!;
    }

    public override async Task<ScenarioOutcome> VerifyAsync(ScenarioContext context, CancellationToken ct)
    {
        await using var db = await context.Shop.OpenAsync();
        var (rows, stockAfter) = await CheckoutInvariants.ReadAsync(db, _skuIds, ct);
        var checks = CheckoutInvariants.Evaluate(_answered.Keys.ToList(), Interlocked.Read(ref _unanswered), rows, _stockBefore, stockAfter, _replays.ToList());
        var skus = _skuIds.Length == 1 ? $"SKU {_skuIds[0]}" : $"{_skuIds.Length} SKUs ({_skuIds[0]}–{_skuIds[^1]})";
        return new ScenarioOutcome(checks, null,
        [
            $"{_ordersPlaced:N0} orders placed and {_cancelled:N0} cancelled in the measured phase on {skus}; " +
            $"{_answered.Count:N0} orders in all (warm-up included), {_replays.Count:N0} of them replayed with their Idempotency-Key.",
        ]);
    }
}
