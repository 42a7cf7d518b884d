using Dapper;
using FastEndpoints;
using Mall.Features.Cart;
using Mall.Features.Catalog;
using Mall.Features.Orders.Checkout;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Orders.PreviewOrder;

public sealed class Endpoint(MySqlDataSource db, IDatabase redis, OrderOptions options, ProblemTexts texts) : Endpoint<Request, Response>
{
    private const string CountOpenOrders = """
        SELECT COUNT(*) FROM orders WHERE user_id = @UserId AND status = 'PendingPayment'
        """;

    private const string AddressExists = "SELECT COUNT(*) FROM addresses WHERE id = @AddressId AND user_id = @UserId";

    public override void Configure()
    {
        Post("orders/preview");
        Summary(s =>
        {
            s.Summary = "Preview an order (what checkout would charge)";
            s.Description = "Prices the same lines checkout takes (items, or fromCart) from current SKU data with the same rule " +
                            "as checkout: line totals, subtotal, one flat shipping fee (Orders:Shipping:FlatFeeCents) waived from " +
                            "a subtotal of Orders:Shipping:FreeFromCents, the total and the points its payment earns (1 per whole " +
                            "yuan). Nothing is held: each line says what stops it now (unknown SKU, off shelf, sold out, too " +
                            "little stock with the count available, over the per-line cap), and problems lists what stops the " +
                            "basket as a whole (too many lines or items, too many unpaid orders). Checkout places the order at " +
                            "exactly this total while the catalog is unchanged.";
            s.ExampleRequest = new Request { Items = [new CheckoutItem(11, 1)], AddressId = 3 };
            s.ResponseExamples[200] = new Response(
                [new Line(11, 1, "星河 X5 智能手机", new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, "/media/products/phone-x5.svg",
                    5900, 1, 5900, 12, null)],
                5900, 1000, 9900, 6900, 69, true, []);
            s.Responses[200] = "The priced lines, fee, total, points and problems (purchasable when there are none).";
            s.Responses[400] = "Bad items or quantities, both or neither of items and fromCart, empty cart.";
            s.Responses[404] = "The address is not one of the shopper's.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        var lines = req.FromCart
            ? CartKeys.Lines(await redis.HashGetAllAsync(CartKeys.For(userId)))
            : req.Items!.ToDictionary(i => i.SkuId, i => i.Quantity);
        if (lines.Count == 0)
        {
            await Send.ResultAsync(Problem.Invalid("fromCart", "The cart is empty."));
            return;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        if (req.AddressId is { } addressId && await connection.ExecuteScalarAsync<long>(new CommandDefinition(AddressExists,
                new { AddressId = addressId, UserId = userId }, cancellationToken: ct)) == 0)
        {
            await Send.ResultAsync(Problem.NotFound("The address"));
            return;
        }

        var skus = await OrderPricing.LoadSkusAsync(connection, null, lines.Keys, ct);
        var caps = OrderPricing.CapIssues(lines, options).ToList();
        var basketProblems = caps.Where(i => i.SkuId is null).Select(Word).ToList();
        var open = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountOpenOrders, new { UserId = userId }, cancellationToken: ct));
        if (open >= options.MaxOpenUnpaidOrders) basketProblems.Add(Word(OrderPricing.TooManyOpenOrders(open, options)));

        var previewLines = lines.OrderBy(l => l.Key).Select(l =>
        {
            var sku = skus.GetValueOrDefault(l.Key);
            // An unknown SKU or a missing product outranks the caps; stock is only worth mentioning within them.
            var issue = OrderPricing.LineIssue(l.Key, l.Value, sku) is { Code: not "orders.insufficient_stock" } blocking
                ? blocking
                : caps.FirstOrDefault(c => c.SkuId == l.Key) ?? OrderPricing.LineIssue(l.Key, l.Value, sku);
            var price = sku?.PriceCents ?? 0;
            return new Line(l.Key, sku?.ProductId ?? 0, sku?.Title ?? "", sku is null ? [] : CatalogRules.ParseSpecs(sku.Specs),
                sku is null ? "" : CatalogRules.ParseImages(sku.Images).FirstOrDefault() ?? "", price, l.Value,
                OrderPricing.LineTotal(price, l.Value), (int)Math.Max(0, sku?.Available ?? 0), issue is null ? null : Word(issue));
        }).ToList();

        // Only lines the shop knows are priced: the same call checkout makes, over the same (SKU price, quantity) pairs.
        var price = OrderPricing.Price(lines.Where(l => skus.ContainsKey(l.Key)).Select(l => (skus[l.Key].PriceCents, l.Value)), options.Shipping);
        await Send.OkAsync(new Response(previewLines, price.SubtotalCents, price.ShippingFeeCents, options.Shipping.FreeFromCents,
            price.TotalCents, price.Points, basketProblems.Count == 0 && previewLines.All(l => l.Problem is null), basketProblems), ct);
    }

    private Issue Word(BasketIssue issue) => new(issue.Code, texts.Detail(issue.Code, issue.Args) ?? issue.Detail, issue.Args);
}
