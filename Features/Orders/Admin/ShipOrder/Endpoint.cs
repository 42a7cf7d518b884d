using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.ShipOrder;

public sealed class Endpoint(MySqlDataSource db, Transitions transitions) : Endpoint<OrderNoRequest, OrderDetail>
{
    public override void Configure()
    {
        Post("orders/{orderNo}/ship");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Ship a paid order (admin)";
            s.Description = "Paid → Shipped; the shopper's open pages are told over SignalR (OrderStatusChanged).";
            s.ResponseExamples[200] = OrderExamples.Detail with { Status = OrderStatus.Shipped };
            s.Responses[200] = "Shipped; the order as it is now.";
            s.Responses[400] = "Malformed order number.";
            s.Responses[404] = "No such order.";
            s.Responses[409] = "Not Paid (unpaid, already shipped, cancelled, …).";
        });
        Description(d => d.Produces<OrderDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(OrderNoRequest req, CancellationToken ct)
    {
        var applied = await transitions.ShipAsync(req.OrderNo, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!applied)
        {
            await Send.ResultAsync(await Transitions.RefusalAsync(connection, req.OrderNo, null, "shipped", ct));
            return;
        }
        await Send.OkAsync((await OrderQueries.FindAsync(connection, req.OrderNo, null, ct))!, ct);
    }
}
