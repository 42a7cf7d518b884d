using FastEndpoints;
using Mall.Infrastructure.Auth;

namespace Mall.Features.Cart.GetCart;

public sealed class Endpoint(CartView cart) : EndpointWithoutRequest<CartResponse>
{
    public override void Configure()
    {
        Get("cart");
        Summary(s =>
        {
            s.Summary = "The shopper's cart";
            s.Description = "Lines priced from current SKU data, with line totals and the cart total; lines off shelf or " +
                            "short of stock are flagged and left out of the total.";
            s.ResponseExamples[200] = CartExamples.Cart;
            s.Responses[200] = "The cart (empty when nothing was added).";
        });
        Description(d => d.Produces<CartResponse>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(await cart.BuildAsync(User.UserId(), ct), ct);
}
