using FastEndpoints;
using FluentValidation;
using Mall.Features.Catalog;
using Mall.Infrastructure.Auth;
using StackExchange.Redis;

namespace Mall.Features.Cart.RemoveItem;

public sealed class Request
{
    public long SkuId { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.SkuId).InclusiveBetween(1, CatalogRules.MaxId);
}

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
            s.Responses[401] = "Not signed in.";
        });
        Description(d => d.Produces<CartResponse>(200).ProducesProblemDetails(400).ProducesProblemDetails(401), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        await redis.HashDeleteAsync(CartKeys.For(userId), req.SkuId);
        await Send.OkAsync(await cart.BuildAsync(userId, ct), ct);
    }
}
