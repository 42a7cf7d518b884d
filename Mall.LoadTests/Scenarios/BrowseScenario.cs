using Mall.LoadTests.Engine;

namespace Mall.LoadTests.Scenarios;

/// <summary>
/// The cached read path an anonymous visitor takes: home (categories), listing (first page), product detail.
/// One iteration = the three steps; detail cycles through the products on the first listing page.
/// </summary>
public sealed class BrowseScenario : Scenario
{
    private long[] _productIds = [];

    public override string Name => "browse";
    public override string Description => $"home → list → detail over {_productIds.Length} products";

    public override IReadOnlyList<RatioTarget> Targets =>
    [
        new("browse (cache hit) vs bare JSON endpoint", ["home", "list", "detail"], "json", 0.85, null,
            "issue 19 target: ≥ 85 % of the bare Kestrel JSON baseline (all browse requests together)"),
    ];

    public override string Operation => "product pages served";
    public override long CompletedOperations(IReadOnlyList<StepSummary> steps) => Succeeded(steps, "detail");

    public override async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        var list = await ReadOkAsync(await context.SetupHttp.GetAsync("/api/v1/products?page=1&pageSize=20", ct),
            "The catalog API is needed for browse (GET /api/v1/products)");
        _productIds = list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToArray();
        if (_productIds.Length == 0) throw new RunFailure("The catalog has no products to browse (seed demo data with ./mall up).");
    }

    public override Phase? Warmup => Browse;
    public override IReadOnlyList<Phase> Phases => [Browse];

    private Phase Browse => new("browse", async (context, ct) =>
    {
        await context.StepAsync("home", () => Get("/api/v1/categories"), Only(200), ct);
        await context.StepAsync("list", () => Get("/api/v1/products?page=1&pageSize=20"), Only(200), ct);
        await context.StepAsync("detail", () => Get($"/api/v1/products/{_productIds[context.Index % _productIds.Length]}"), Only(200), ct);
    });
}
