using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.CloseOrder;

public sealed class Endpoint(MySqlDataSource db, Transitions transitions, AdminAudit audit) : Endpoint<Request, AdminOrderDetail>
{
    public override void Configure()
    {
        Post("orders/{orderNo}/close");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Close an unpaid order (admin)";
            s.Description = "PendingPayment → Cancelled by an operator, with a reason (cancelReason 'operator', the reason in cancelNote and " +
                            "the timeline), recorded in the audit log (order.close). The stock comes back exactly as on the shopper's cancel: a " +
                            "normal order's held units at once, a seckill order's unit to its activity within one seckill expiry pass. " +
                            "Repeating it (or racing another operator) is a 409: nothing is returned twice. Open payments are closed by the " +
                            "payments housekeeping.";
            s.ExampleRequest = new Request { OrderNo = "20261125081530123456789", Reason = "顾客电话要求取消" };
            s.ResponseExamples[200] = AdminOrderExamples.Detail with { Status = OrderStatus.Cancelled, CancelReason = "operator", CancelNote = "顾客电话要求取消" };
            s.Responses[200] = "Closed; the order as it is now.";
            s.Responses[400] = "Malformed order number, missing or over-long reason.";
            s.Responses[404] = "No such order (order.not_found).";
            s.Responses[409] = "Not PendingPayment: paid, shipped, already cancelled, … (order.not_pending).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<AdminOrderDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await AdminOrders.MoveAsync(connection, HttpContext, audit, transitions, req.OrderNo, "order.close",
                (tx, orderId) => transitions.CloseAsync(connection, tx, orderId, User.UserId(), req.Reason!.Trim(), ct), AdminOrderProblems.NotPending, ct) is { } problem)
        {
            await Send.ResultAsync(problem);
            return;
        }
        await Send.OkAsync((await AdminOrders.DetailAsync(connection, req.OrderNo, ct))!, ct);
    }
}
