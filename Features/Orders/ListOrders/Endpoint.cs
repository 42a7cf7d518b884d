using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.ListOrders;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<Request, OrderPage>
{
    public override void Configure()
    {
        Get("orders");
        Summary(s =>
        {
            s.Summary = "My orders";
            s.Description = "The signed-in shopper's own orders (both kinds), newest first, optionally of one status.";
            s.ResponseExamples[200] = OrderExamples.Page;
            s.Responses[200] = "A page of orders.";
            s.Responses[400] = "Unknown status or bad paging.";
        });
        Description(d => d.Accepts<Request>().Produces<OrderPage>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await Send.OkAsync(await OrderQueries.PageAsync(connection, User.UserId(), req.Status, req.Page, req.PageSize, ct), ct);
    }
}
