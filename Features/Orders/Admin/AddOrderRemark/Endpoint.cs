using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Orders.Admin.AddOrderRemark;

public sealed class Endpoint(MySqlDataSource db, AdminAudit audit, TimeProvider clock) : Endpoint<Request, OrderRemark>
{
    private const string OrderIdOf = "SELECT id FROM orders WHERE order_no = @OrderNo";

    private const string Insert = """
        INSERT INTO order_remarks (order_id, author_id, body, created_at) VALUES (@OrderId, @AuthorId, @Text, @Now);
        SELECT LAST_INSERT_ID();
        """;

    private const string AccountOf = "SELECT account FROM users WHERE id = @Id";

    public override void Configure()
    {
        Post("orders/{orderNo}/remarks");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Add an operator's remark to an order (admin)";
            s.Description = "A note for other operators (never shown to the shopper), listed in the order's detail; recorded in the audit log (order.remark).";
            s.ExampleRequest = new Request { OrderNo = "20261125081530123456789", Text = "顾客来电要求周末送达" };
            s.ResponseExamples[201] = new OrderRemark(7, "顾客来电要求周末送达", 1, "admin@mall.local", new DateTime(2026, 11, 25, 9, 15, 30, DateTimeKind.Utc));
            s.Responses[201] = "Added.";
            s.Responses[400] = "Malformed order number, empty or over-long text.";
            s.Responses[404] = "No such order (order.not_found).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<OrderRemark>(201).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var authorId = User.UserId();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var orderId = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(OrderIdOf, new { req.OrderNo }, tx, cancellationToken: ct));
        if (orderId is null)
        {
            await Send.ResultAsync(AdminOrderProblems.NotFound());
            return;
        }
        var text = req.Text!.Trim();
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert, new { OrderId = orderId, AuthorId = authorId, Text = text, Now = now },
            tx, cancellationToken: ct));
        var account = await connection.ExecuteScalarAsync<string>(new CommandDefinition(AccountOf, new { Id = authorId }, tx, cancellationToken: ct)) ?? "";
        var remark = new OrderRemark(id, text, authorId, account, DateTime.SpecifyKind(now, DateTimeKind.Utc));
        await audit.WriteAsync(connection, tx, HttpContext, "order.remark", "order", req.OrderNo, null, remark, ct);
        await tx.CommitAsync(ct);
        await Send.ResponseAsync(remark, StatusCodes.Status201Created, ct);
    }
}
