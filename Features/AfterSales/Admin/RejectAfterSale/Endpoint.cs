using FastEndpoints;
using Mall.Features.Orders;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales.Admin.RejectAfterSale;

public sealed class Endpoint(MySqlDataSource db, AdminAudit audit, OrderEvents events, TimeProvider clock) : Endpoint<Request, AfterSaleDetail>
{
    public override void Configure()
    {
        Post("after-sales/{afterSaleNo}/reject");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Reject a return request (admin)";
            s.Description = "AwaitingReview → Rejected with a note for the shopper; the order goes back to Shipped/Completed and nothing is " +
                            "refunded. The shopper may ask again. Audited as aftersale.reject.";
            s.ExampleRequest = new Request { AfterSaleNo = AfterSaleExamples.Detail.AfterSaleNo, Note = "照片未显示划痕 / no scratch visible" };
            s.ResponseExamples[200] = AfterSaleExamples.Detail with { Status = AfterSaleStatus.Rejected, ReviewNote = "照片未显示划痕 / no scratch visible" };
            s.Responses[200] = "Rejected; the after-sale as it is now.";
            s.Responses[400] = "Malformed after-sale number, or the note is missing or too long.";
            s.Responses[404] = "No such after-sale (aftersale.not_found).";
            s.Responses[409] = "Not awaiting review (aftersale.not_awaiting_review).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<AfterSaleDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        OpenAfterSale? afterSale;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            afterSale = await AfterSaleDecisions.LockAsync(connection, tx, req.AfterSaleNo, null, ct);
            if (afterSale is null)
            {
                await Send.ResultAsync(AfterSaleProblems.NotFound());
                return;
            }
            var before = await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, null, ct, tx);
            if (!await AfterSaleDecisions.CloseAsync(connection, tx, afterSale, AfterSaleStatus.Rejected, req.Note!.Trim(), User.UserId(),
                    clock.GetUtcNow().UtcDateTime, ct))
            {
                await Send.ResultAsync(AfterSaleProblems.NotAwaitingReview(afterSale.Status));
                return;
            }
            var after = await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, null, ct, tx);
            await audit.WriteAsync(connection, tx, HttpContext, "aftersale.reject", "aftersale", req.AfterSaleNo, before, after, ct);
            await tx.CommitAsync(ct);
        }
        await events.PublishAsync(afterSale.UserId, afterSale.OrderNo, afterSale.OrderStatusBefore, "after-sale rejected");
        await Send.OkAsync((await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, null, ct))!, ct);
    }
}
