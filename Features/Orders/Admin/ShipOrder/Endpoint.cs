using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.ShipOrder;

public sealed class Endpoint(MySqlDataSource db, Transitions transitions, AdminAudit audit) : Endpoint<Request, AdminOrderDetail>
{
    public override void Configure()
    {
        Post("orders/{orderNo}/ship");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Ship a paid order (admin)";
            s.Description = "Paid → Shipped with the carrier and its tracking number (both required), recorded in the audit log " +
                            "(order.ship); the shopper's open pages are told over SignalR (OrderStatusChanged).";
            s.ExampleRequest = new Request { OrderNo = "20261125081530123456789", Carrier = "顺丰速运", TrackingNo = "SF1234567890123" };
            s.ResponseExamples[200] = AdminOrderExamples.Detail;
            s.Responses[200] = "Shipped; the order as it is now.";
            s.Responses[400] = "Malformed order number, missing or invalid carrier or tracking number.";
            s.Responses[404] = "No such order (order.not_found).";
            s.Responses[409] = "Not Paid: unpaid, already shipped, cancelled, … (order.not_paid).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<AdminOrderDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await AdminOrders.MoveAsync(connection, HttpContext, audit, transitions, req.OrderNo, "order.ship",
                (tx, orderId) => transitions.ShipAsync(connection, tx, orderId, User.UserId(), req.Carrier!.Trim(), req.TrackingNo!, ct), AdminOrderProblems.NotPaid, ct) is { } problem)
        {
            await Send.ResultAsync(problem);
            return;
        }
        await Send.OkAsync((await AdminOrders.DetailAsync(connection, req.OrderNo, ct))!, ct);
    }
}
