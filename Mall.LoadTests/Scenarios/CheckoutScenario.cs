using Mall.LoadTests.Cli;
using Mall.LoadTests.Engine;
using Mall.LoadTests.Shop;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// Normal checkout: a shopper puts one unit in the cart (step "cart"), then places the order from the cart with
/// an Idempotency-Key (step "order", the MySQL stock-locking transaction). The SKU has ample stock, so every
/// order should succeed; a 409 here means stock locking refused a sale it should have made. The shopper then
/// cancels (step "cancel"): the shop caps unpaid orders per shopper (Orders:MaxOpenUnpaidOrders), and a
/// cancellation is the other half of the stock-locking path (locked −= q).
/// </summary>
public sealed class CheckoutScenario(CheckoutSettings settings) : Scenario
{
    private IReadOnlyList<BenchUser> _shoppers = [];
    private Dictionary<long, long> _addresses = [];
    private long _skuId;
    private long _ordersPlaced;

    public override string Name => "checkout";
    public override string Description => $"{settings.Shoppers:N0} shoppers: cart → order → cancel";

    public override IReadOnlyList<RatioTarget> Targets =>
        [new("checkout vs bare JSON endpoint", ["cart", "order", "cancel"], "json", null, null, "no target: for the record")];

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        var shop = context.Shop;
        _shoppers = await shop.InsertShoppersAsync(settings.Shoppers, ct);
        _addresses = await shop.InsertAddressesAsync(_shoppers, ct);
        (_, _skuId) = await shop.InsertProductAsync("Checkout bench", 1_990, 100_000_000, ct);
    }

    public override Phase? Warmup => Checkout;
    public override IReadOnlyList<Phase> Phases => [Checkout];

    private Phase Checkout => new("checkout", async (context, ct) =>
    {
        var shopper = _shoppers[(int)(context.Index % _shoppers.Count)];
        var cart = await context.StepAsync("cart", () => Send(HttpMethod.Put, $"/api/v1/cart/items/{_skuId}", new { quantity = 1 }, shopper.AccessToken),
            Only(200), ct);
        if (!cart.Ok) return;
        var order = await context.StepAsync("order", () =>
        {
            var message = Send(HttpMethod.Post, "/api/v1/orders", new { fromCart = true, addressId = _addresses[shopper.UserId] }, shopper.AccessToken);
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            return message;
        }, Only(201), ct);
        if (!order.Ok) return;
        if (!context.IsWarmup) Interlocked.Increment(ref _ordersPlaced);
        using var placed = System.Text.Json.JsonDocument.Parse(order.Body);
        var orderNo = placed.RootElement.GetProperty("orderNo").GetString();
        await context.StepAsync("cancel", () => Send(HttpMethod.Post, $"/api/v1/orders/{orderNo}/cancel", new { }, shopper.AccessToken), Only(200), ct);
    });

    public override Task<ScenarioOutcome> VerifyAsync(ScenarioContext context, CancellationToken ct) =>
        Task.FromResult(new ScenarioOutcome([], null, [$"{_ordersPlaced:N0} orders placed on SKU {_skuId}."]));
}
