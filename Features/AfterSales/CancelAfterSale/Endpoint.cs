using FastEndpoints;
using Mall.Features.Orders;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales.CancelAfterSale;

public sealed class Endpoint(MySqlDataSource db, OrderEvents events, TimeProvider clock) : Endpoint<AfterSaleNoRequest, AfterSaleDetail>
{
    public override void Configure()
    {
        Post("after-sales/{afterSaleNo}/cancel");
        Summary(s =>
        {
            s.Summary = "Withdraw my after-sale";
            s.Description = "Only while it awaits review: AwaitingReview → Cancelled, and the order goes back to Shipped/Completed. " +
                            "A refund already under way cannot be withdrawn.";
            s.ResponseExamples[200] = AfterSaleExamples.Detail with { Status = AfterSaleStatus.Cancelled };
            s.Responses[200] = "Cancelled; the after-sale as it is now.";
            s.Responses[400] = "Malformed after-sale number.";
            s.Responses[404] = "No such after-sale of yours (aftersale.not_found).";
            s.Responses[409] = "Not awaiting review (aftersale.not_awaiting_review).";
        });
        Description(d => d.Produces<AfterSaleDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(AfterSaleNoRequest req, CancellationToken ct)
    {
        var userId = User.UserId();
        await using var connection = await db.OpenConnectionAsync(ct);
        OpenAfterSale? afterSale;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            afterSale = await AfterSaleDecisions.LockAsync(connection, tx, req.AfterSaleNo, userId, ct);
            if (afterSale is null)
            {
                await Send.ResultAsync(AfterSaleProblems.NotFound());
                return;
            }
            if (!await AfterSaleDecisions.CloseAsync(connection, tx, afterSale, AfterSaleStatus.Cancelled, null, null, clock.GetUtcNow().UtcDateTime, ct))
            {
                await Send.ResultAsync(AfterSaleProblems.NotAwaitingReview(afterSale.Status));
                return;
            }
            await tx.CommitAsync(ct);
        }
        await events.PublishAsync(userId, afterSale.OrderNo, afterSale.OrderStatusBefore, "after-sale cancelled");
        await Send.OkAsync((await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, userId, ct))!, ct);
    }
}
