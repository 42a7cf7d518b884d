using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Cart.SetCartItem;

public sealed class Endpoint(MySqlDataSource db, IDatabase redis, CartOptions options) : Endpoint<Request, CartResponse>
{
    public override void Configure()
    {
        Put("cart/items/{skuId}");
        Summary(s =>
        {
            s.Summary = "Put a SKU in the cart with a quantity";
            s.Description = "Sets the line's quantity (not adds to it), so repeating the call is harmless. The quantity " +
                            "must be available now; stock is only held once an order is placed.";
            s.ExampleRequest = new Request { SkuId = 11, Quantity = 2 };
            s.ResponseExamples[200] = CartExamples.Cart;
            s.Responses[200] = "The updated cart.";
            s.Responses[400] = "Bad SKU id or quantity (1 to the per-line cap).";
            s.Responses[404] = "No such SKU.";
            s.Responses[409] = "More than is available, the product is off shelf, or the cart is full.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<CartResponse>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var key = CartKeys.For(User.UserId());
        var quantity = req.Quantity!.Value;
        var before = CartKeys.Lines(await redis.HashGetAllAsync(key));
        // One read prices the cart and checks the new line, which must exist, be on shelf and be available now.
        var skus = await LoadSkusAsync(before.Keys.Append(req.SkuId), ct);
        if (!skus.TryGetValue(req.SkuId, out var sku))
        {
            await Send.ResultAsync(Problem.NotFound("The SKU", code: "sku.not_found"));
            return;
        }
        if (!sku.OnShelf)
        {
            await Send.ResultAsync(Problem.Conflict("This product is off shelf.", code: "product.off_shelf"));
            return;
        }
        if (quantity > sku.Available)
        {
            await Send.ResultAsync(Problem.Conflict($"Only {Math.Max(0, sku.Available)} left in stock.", code: "sku.insufficient_stock", args: new Dictionary<string, object?> { ["available"] = Math.Max(0, sku.Available) }));
            return;
        }

        // The cap check and the write are one script, so two tabs adding at once cannot pass the cap together.
        var answer = (RedisResult[])(await redis.ScriptEvaluateAsync(Resources.Text("Features/Cart/SetCartItem/SetLine.lua"), [key],
            [req.SkuId, quantity, options.MaxLines, (long)TimeSpan.FromDays(options.IdleDays).TotalMilliseconds]))!;
        if ((long)answer[0] == 0)
        {
            await Send.ResultAsync(Problem.Conflict($"The cart holds at most {options.MaxLines} different items.", code: "cart.full", args: new Dictionary<string, object?> { ["max"] = options.MaxLines }));
            return;
        }
        var fields = (RedisResult[])answer[1]!; // HGETALL: field, value, field, value, …
        var after = CartKeys.Lines(fields.Chunk(2).Select(pair => new HashEntry((RedisValue)pair[0], (RedisValue)pair[1])).ToArray());
        // Another request of this shopper may have added a line meanwhile: price it too.
        if (after.Keys.Any(id => !before.ContainsKey(id) && id != req.SkuId))
            skus = await LoadSkusAsync(after.Keys, ct);
        await Send.OkAsync(CartView.Price(after, skus), ct);
    }

    // The connection goes back to the pool before the Redis call.
    private async Task<Dictionary<long, CartSku>> LoadSkusAsync(IEnumerable<long> skuIds, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await CartView.LoadSkusAsync(connection, skuIds, ct);
    }
}
