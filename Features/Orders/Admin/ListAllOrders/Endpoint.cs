using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.ListAllOrders;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<ListOrders.Request, OrderPage>
{
    public override void Configure()
    {
        Get("orders");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "All orders (admin)";
            s.Description = "Every shopper's orders, newest first, optionally of one status; each with its userId.";
            s.ResponseExamples[200] = OrderExamples.Page;
            s.Responses[200] = "A page of orders.";
            s.Responses[400] = "Unknown status or bad paging.";
        });
        Description(d => d.Accepts<ListOrders.Request>().Produces<OrderPage>(200).ProducesProblems(400),
            clearDefaults: true);
    }

    public override async Task HandleAsync(ListOrders.Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await Send.OkAsync(await OrderQueries.PageAsync(connection, null, req.Status, req.Page, req.PageSize, ct), ct);
    }
}
