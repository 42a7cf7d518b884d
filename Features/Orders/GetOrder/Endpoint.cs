using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.GetOrder;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<OrderNoRequest, OrderDetail>
{
    public override void Configure()
    {
        Get("orders/{orderNo}");
        Summary(s =>
        {
            s.Summary = "One of my orders";
            s.Description = "Items with their snapshots, the address snapshot, and a timestamp per reached status. Admins " +
                            "may read any order; for shoppers another shopper's order is a 404.";
            s.ResponseExamples[200] = OrderExamples.Detail;
            s.Responses[200] = "The order.";
            s.Responses[400] = "Malformed order number.";
            s.Responses[404] = "No such order of yours.";
        });
        Description(d => d.Produces<OrderDetail>(200).ProducesProblems(400, 404),
            clearDefaults: true);
    }

    public override async Task HandleAsync(OrderNoRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var owner = User.IsInRole(Mall.Infrastructure.Auth.Roles.Admin) ? (long?)null : User.UserId();
        var order = await OrderQueries.FindAsync(connection, req.OrderNo, owner, ct);
        if (order is null) await Send.ResultAsync(Problem.NotFound("The order"));
        else await Send.OkAsync(order, ct);
    }
}
