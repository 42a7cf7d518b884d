using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.GetOrderDetail;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<OrderNoRequest, AdminOrderDetail>
{
    public override void Configure()
    {
        Get("orders/{orderNo}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "One order in full (admin)";
            s.Description = "Any shopper's order with its items, address, the shopper (id, account), its payments, a timeline (created, " +
                            "paid, shipped, received, cancelled/expired/closed, refunded: when, by whom, why where known), shipping carrier " +
                            "and tracking number, and the operators' remarks.";
            s.ResponseExamples[200] = AdminOrderExamples.Detail;
            s.Responses[200] = "The order.";
            s.Responses[400] = "Malformed order number.";
            s.Responses[404] = "No such order (order.not_found).";
        });
        Description(d => d.Produces<AdminOrderDetail>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(OrderNoRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await AdminOrders.DetailAsync(connection, req.OrderNo, ct) is { } order) await Send.OkAsync(order, ct);
        else await Send.ResultAsync(AdminOrderProblems.NotFound());
    }
}
