using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Orders.CancelOrder;

public sealed class Endpoint(CancelGroups cancels) : Endpoint<Request, OrderDetail>
{
    public override void Configure()
    {
        Post("orders/{orderNo}/cancel");
        Summary(s =>
        {
            s.Summary = "Cancel my unpaid order";
            s.Description = "PendingPayment → Cancelled. A normal order's held stock is released at once; a seckill order's unit goes back to its activity within one seckill expiry pass (seconds). Repeating it after success is a 409: nothing happens twice. " +
                            "An optional reason (at most 200 characters) is kept with the order: its page and the console's timeline show it.";
            s.ExampleRequest = new Request { OrderNo = "M202611250816123456", Reason = "不想要了" };
            s.ResponseExamples[200] = OrderExamples.Detail;
            s.Responses[200] = "Done; the order as it is now.";
            s.Responses[400] = "Malformed order number, or a reason that is too long or has control characters.";
            s.Responses[404] = "No such order of yours.";
            s.Responses[409] = "Not PendingPayment (already paid, cancelled, …).";
        });
        // No Accepts: the body ({ "reason": "…" }) is optional, and clients from before reasons existed send none and no
        // Content-Type, which a declared body type would answer 415 (even one marked optional). The document shows it.
        Description(d => d.WithMetadata(new OptionalJsonBody(typeof(Request))).Produces<OrderDetail>(200).ProducesProblems(400, 404, 409),
            clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var outcome = await cancels.CancelAsync(req.OrderNo, User.UserId(), Reason(req.Reason), ct);
        if (outcome.Refusal is { } refusal)
        {
            await Send.ResultAsync(refusal);
            return;
        }
        await Send.OkAsync(outcome.Order!, ct);
    }

    // A blank reason is no reason: the column stays NULL as it was before reasons existed.
    private static string? Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
}
