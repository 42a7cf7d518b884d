using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.GetOrder;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<OrderNoRequest, OrderDetail>
{
    // The money given back (after-sales): every refund of the order, and the after-sale still open (at most one).
    private const string RefundsOf = """
        SELECT r.refund_no AS RefundNo, a.after_sale_no AS AfterSaleNo, r.amount_cents AS AmountCents, r.status AS Status,
               r.created_at AS CreatedAt, r.succeeded_at AS SucceededAt
        FROM refunds r JOIN after_sales a ON a.id = r.after_sale_id JOIN orders o ON o.id = r.order_id
        WHERE o.order_no = @OrderNo ORDER BY r.id;

        SELECT a.after_sale_no FROM after_sales a JOIN orders o ON o.id = a.open_order_id WHERE o.order_no = @OrderNo;
        """;

    public override void Configure()
    {
        Get("orders/{orderNo}");
        Summary(s =>
        {
            s.Summary = "One of my orders";
            s.Description = "Items with their snapshots, the address snapshot, and a timestamp per reached status; the money given " +
                            "back by after-sales (refundedCents: confirmed refunds; refunds; openAfterSaleNo). Admins " +
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
        if (order is null)
        {
            await Send.ResultAsync(Problem.NotFound("The order", code: "order.not_found"));
            return;
        }
        using var results = await connection.QueryMultipleAsync(new CommandDefinition(RefundsOf, new { req.OrderNo }, cancellationToken: ct));
        var refunds = (await results.ReadAsync<OrderRefundView>()).Select(r => r with
        {
            CreatedAt = DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc),
            SucceededAt = r.SucceededAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : null,
        }).ToList();
        var open = await results.ReadSingleOrDefaultAsync<string>();
        await Send.OkAsync(order with
        {
            RefundedCents = refunds.Where(r => r.Status == "Succeeded").Sum(r => r.AmountCents),
            Refunds = refunds,
            OpenAfterSaleNo = open,
        }, ct);
    }
}
