using FastEndpoints;
using Mall.Features.Orders;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales.Admin.ApproveAfterSale;

public sealed class Endpoint(MySqlDataSource db, AfterSaleRefunds refunds, AdminAudit audit, OrderEvents events, TimeProvider clock)
    : Endpoint<Request, AfterSaleDetail>
{
    public override void Configure()
    {
        Post("after-sales/{afterSaleNo}/approve");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Approve a return request (admin)";
            s.Description = "AwaitingReview → Refunding (order AfterSale → Refunding) and the money goes back through the provider that took " +
                            "it; the after-sale becomes Refunded (and the order Refunded, or back to Shipped/Completed for a partial refund) " +
                            "once the provider confirms. Audited as aftersale.approve.";
            s.ExampleRequest = new Request { AfterSaleNo = AfterSaleExamples.Detail.AfterSaleNo, Note = "已收到退货 / return received" };
            s.ResponseExamples[200] = AfterSaleExamples.Detail with { Status = AfterSaleStatus.Refunding, ReviewNote = "已收到退货 / return received" };
            s.Responses[200] = "Approved; the after-sale as it is now (Refunding, or Refunded if the provider confirmed at once).";
            s.Responses[400] = "Malformed after-sale number or note too long.";
            s.Responses[404] = "No such after-sale (aftersale.not_found).";
            s.Responses[409] = "Not awaiting review (aftersale.not_awaiting_review), or no settled payment (aftersale.not_paid).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<AfterSaleDetail>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var note = string.IsNullOrWhiteSpace(req.Note) ? null : req.Note.Trim();
        string refundNo;
        OpenAfterSale afterSale;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var locked = await AfterSaleDecisions.LockAsync(connection, tx, req.AfterSaleNo, null, ct);
            if (locked is null)
            {
                await Send.ResultAsync(AfterSaleProblems.NotFound());
                return;
            }
            afterSale = locked;
            if (afterSale.Status != AfterSaleStatus.AwaitingReview)
            {
                await Send.ResultAsync(AfterSaleProblems.NotAwaitingReview(afterSale.Status));
                return;
            }
            var before = await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, null, ct, tx);
            var created = await AfterSaleDecisions.ApproveAsync(connection, tx, afterSale, note, User.UserId(), clock.GetUtcNow().UtcDateTime, ct);
            if (created is null)
            {
                await Send.ResultAsync(Problem.Conflict("No settled payment was found for this order.", code: "aftersale.not_paid"));
                return;
            }
            refundNo = created;
            var after = await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, null, ct, tx);
            await audit.WriteAsync(connection, tx, HttpContext, "aftersale.approve", "aftersale", req.AfterSaleNo, before, after, ct);
            await tx.CommitAsync(ct);
        }
        await events.PublishAsync(afterSale.UserId, afterSale.OrderNo, OrderStatus.Refunding, "after-sale approved");
        await refunds.SubmitAsync(refundNo, ct);
        await Send.OkAsync((await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, null, ct))!, ct);
    }
}
