using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.CancelOrder;

public sealed class Endpoint(MySqlDataSource db, Transitions transitions) : Endpoint<OrderNoRequest, OrderDetail>
{
    public override void Configure()
    {
        Post("orders/{orderNo}/cancel");
        Summary(s =>
        {
            s.Summary = "Cancel my unpaid order";
            s.Description = "PendingPayment → Cancelled. A normal order's held stock is released at once; a seckill order's unit goes back to its activity within one seckill expiry pass (seconds). Repeating it after success is a 409: nothing happens twice.";
            s.ResponseExamples[200] = OrderExamples.Detail;
            s.Responses[200] = "Done; the order as it is now.";
            s.Responses[400] = "Malformed order number.";
            s.Responses[404] = "No such order of yours.";
            s.Responses[409] = "Not PendingPayment (already paid, cancelled, …).";
        });
        Description(d => d.Produces<OrderDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(OrderNoRequest req, CancellationToken ct)
    {
        var userId = User.UserId();
        var applied = await transitions.CancelAsync(req.OrderNo, userId, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!applied)
        {
            await Send.ResultAsync(await Transitions.RefusalAsync(connection, req.OrderNo, userId, "cancelled", ct));
            return;
        }
        await Send.OkAsync((await OrderQueries.FindAsync(connection, req.OrderNo, userId, ct))!, ct);
    }
}
