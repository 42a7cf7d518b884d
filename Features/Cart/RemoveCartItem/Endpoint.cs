using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using StackExchange.Redis;

namespace Mall.Features.Cart.RemoveCartItem;

public sealed class Endpoint(IDatabase redis, CartView cart) : Endpoint<Request, CartResponse>
{
    public override void Configure()
    {
        Delete("cart/items/{skuId}");
        Summary(s =>
        {
            s.Summary = "Remove a SKU from the cart";
            s.Description = "Removing a line that is not there is not an error: the answer is the cart either way.";
            s.ResponseExamples[200] = CartExamples.Cart;
            s.Responses[200] = "The updated cart.";
            s.Responses[400] = "Bad SKU id.";
        });
        Description(d => d.Produces<CartResponse>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        await redis.HashDeleteAsync(CartKeys.For(userId), req.SkuId);
        await Send.OkAsync(await cart.BuildAsync(userId, ct), ct);
    }
}
