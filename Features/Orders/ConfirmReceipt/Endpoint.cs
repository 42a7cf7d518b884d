using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.ConfirmReceipt;

public sealed class Endpoint(MySqlDataSource db, Transitions transitions) : Endpoint<OrderNoRequest, OrderDetail>
{
    public override void Configure()
    {
        Post("orders/{orderNo}/receipt");
        Summary(s =>
        {
            s.Summary = "Confirm receipt";
            s.Description = "Shipped → Completed. Repeating it after success is a 409: nothing happens twice.";
            s.ResponseExamples[200] = OrderExamples.Detail;
            s.Responses[200] = "Done; the order as it is now.";
            s.Responses[400] = "Malformed order number.";
            s.Responses[404] = "No such order of yours.";
            s.Responses[409] = "Not Shipped.";
        });
        Description(d => d.Produces<OrderDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(OrderNoRequest req, CancellationToken ct)
    {
        var userId = User.UserId();
        var applied = await transitions.ConfirmReceiptAsync(req.OrderNo, userId, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!applied)
        {
            await Send.ResultAsync(await Transitions.RefusalAsync(connection, req.OrderNo, userId, "confirmed", ct));
            return;
        }
        await Send.OkAsync((await OrderQueries.FindAsync(connection, req.OrderNo, userId, ct))!, ct);
    }
}
