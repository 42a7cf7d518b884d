using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Cart.SetCartItem;

public sealed class Endpoint(MySqlDataSource db, IDatabase redis, CartView cart, CartOptions options) : Endpoint<Request, CartResponse>
{
    private const string FindSku = """
        SELECT s.stock - s.locked - s.sold AS Available, p.on_shelf AS OnShelf
        FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = @SkuId
        """;

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
        var userId = User.UserId();
        var quantity = req.Quantity!.Value;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var sku = await connection.QuerySingleOrDefaultAsync<SkuRow>(new CommandDefinition(FindSku, new { req.SkuId }, cancellationToken: ct));
            if (sku is null)
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
        }

        var key = CartKeys.For(userId);
        if (!await redis.HashExistsAsync(key, req.SkuId) && await redis.HashLengthAsync(key) >= options.MaxLines)
        {
            await Send.ResultAsync(Problem.Conflict($"The cart holds at most {options.MaxLines} different items.", code: "cart.full", args: new Dictionary<string, object?> { ["max"] = options.MaxLines }));
            return;
        }
        await redis.HashSetAsync(key, req.SkuId, quantity);
        await redis.KeyExpireAsync(key, TimeSpan.FromDays(options.IdleDays));
        await Send.OkAsync(await cart.BuildAsync(userId, ct), ct);
    }

    private sealed record SkuRow(long Available, bool OnShelf);
}
