using System.Text.Json;
using Dapper;
using FastEndpoints;
using Mall.Features.Orders;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales.RequestAfterSale;

/// <summary>
/// A shopper asks for money back. Everything is decided under the order's row lock, so concurrent requests for one
/// order queue up: the amount is checked against what was paid minus what is already refunded or asked for, and
/// the unique key on after_sales.open_order_id refuses a second open after-sale even if a check were wrong.
/// </summary>
public sealed class Endpoint(MySqlDataSource db, AfterSaleRefunds refunds, OrderEvents events, TimeProvider clock)
    : Endpoint<Request, AfterSaleDetail>
{
    private const string LockOrder = """
        SELECT id AS Id, user_id AS UserId, status AS Status, total_cents AS TotalCents FROM orders WHERE order_no = @OrderNo FOR UPDATE
        """;

    // Money already refunded or still asked for: every after-sale that did not end without a refund.
    private const string Claimed = """
        SELECT CAST(COALESCE(SUM(amount_cents), 0) AS SIGNED) FROM after_sales
        WHERE order_id = @OrderId AND status IN ('AwaitingReview', 'Refunding', 'Refunded')
        """;

    private const string OrderedItems = """
        SELECT i.sku_id AS SkuId, MIN(i.product_id) AS ProductId, CAST(SUM(i.quantity) AS SIGNED) AS Ordered,
               CAST(COALESCE((SELECT SUM(x.quantity) FROM after_sale_items x JOIN after_sales a ON a.id = x.after_sale_id
                              WHERE a.order_id = @OrderId AND x.sku_id = i.sku_id
                                AND a.status IN ('AwaitingReview', 'Refunding', 'Refunded')), 0) AS SIGNED) AS Claimed
        FROM order_items i WHERE i.order_id = @OrderId GROUP BY i.sku_id
        """;

    private const string InsertAfterSale = """
        INSERT INTO after_sales (after_sale_no, order_id, order_no, user_id, kind, status, reason, amount_cents, photo_urls,
                                 order_status_before, open_order_id, created_at, updated_at)
        VALUES (@AfterSaleNo, @OrderId, @OrderNo, @UserId, @Kind, @Status, @Reason, @AmountCents, @PhotoUrls,
                @Before, @OrderId, @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    private const string InsertItem = """
        INSERT INTO after_sale_items (after_sale_id, sku_id, product_id, quantity) VALUES (@AfterSaleId, @SkuId, @ProductId, @Quantity)
        """;

    private const string MoveOrder = "UPDATE orders SET status = @To, updated_at = @Now WHERE id = @OrderId AND status = @From";

    public override void Configure()
    {
        Post("orders/{orderNo}/after-sales");
        Summary(s =>
        {
            s.Summary = "Ask for a refund of a paid order";
            s.Description = "Before shipping (order Paid) the money goes back at once: the after-sale starts Refunding and the order is " +
                            "Refunding until the provider confirms. After shipping (Shipped, Completed) it is a return request: AwaitingReview " +
                            "(order AfterSale) until an admin approves (→ refund) or rejects it. amountCents is at most what was paid minus " +
                            "what is already refunded or asked for; partial refunds are fine, one open after-sale per order at a time. " +
                            "Items (optional) go back to stock when the refund succeeds; points earned on the refunded money are taken back.";
            s.ExampleRequest = new Request
            {
                OrderNo = "20261125081530123456789", Reason = "屏幕有划痕 / scratched screen", AmountCents = 299900,
                Items = [new ItemRequest(11, 1)], PhotoUrls = ["https://img.example.com/after-sales/scratch.jpg"],
            };
            s.ResponseExamples[201] = AfterSaleExamples.Detail;
            s.Responses[201] = "Asked: Refunding (not shipped: refunded without review) or AwaitingReview (shipped).";
            s.Responses[400] = "Invalid reason, amount, items or photos; aftersale.amount_exceeds_paid (args.max: what may still be asked), " +
                               "aftersale.item_not_in_order, aftersale.item_quantity_exceeded.";
            s.Responses[404] = "No such order of yours.";
            s.Responses[409] = "aftersale.not_paid (unpaid or cancelled), aftersale.already_open (one is open), aftersale.fully_refunded.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<AfterSaleDetail>(201).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        var now = clock.GetUtcNow().UtcDateTime;
        var afterSaleNo = AfterSaleNumbers.NewAfterSaleNo(now);
        string? refundNo = null;
        string newStatus;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var order = await connection.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(LockOrder, new { req.OrderNo }, tx, cancellationToken: ct));
            if (order is null || order.UserId != userId)
            {
                await Send.ResultAsync(Problem.NotFound("The order"));
                return;
            }
            var refusal = order.Status switch
            {
                OrderStatus.Paid or OrderStatus.Shipped or OrderStatus.Completed => null,
                OrderStatus.AfterSale or OrderStatus.Refunding => Problem.Conflict("The order has an open after-sale; wait for it or cancel it first.", code: "aftersale.already_open"),
                OrderStatus.Refunded => Problem.Conflict("Everything paid for this order was refunded already.", code: "aftersale.fully_refunded"),
                _ => Problem.Conflict($"The order is {order.Status}: nothing was paid that could be refunded.", code: "aftersale.not_paid"),
            };
            var payment = refusal is null
                ? await AfterSaleRefunds.PaidPaymentAsync(connection, tx, order.Id, ct)
                : null;
            if (refusal is null && payment is null)
                refusal = Problem.Conflict("No settled payment was found for this order.", code: "aftersale.not_paid");
            if (refusal is not null)
            {
                await Send.ResultAsync(refusal);
                return;
            }

            var claimed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Claimed, new { OrderId = order.Id }, tx, cancellationToken: ct));
            var max = Math.Max(0, payment!.AmountCents - claimed);
            if (max == 0)
            {
                await Send.ResultAsync(Problem.Conflict("Everything paid for this order was refunded already.", code: "aftersale.fully_refunded"));
                return;
            }
            if (req.AmountCents > max)
            {
                await Send.ResultAsync(AfterSaleProblems.Invalid("amountCents", $"At most {max} cents can still be refunded.", code: "aftersale.amount_exceeds_paid", new Dictionary<string, object?> { ["max"] = max }));
                return;
            }

            var ordered = (await connection.QueryAsync<OrderedRow>(new CommandDefinition(OrderedItems, new { OrderId = order.Id }, tx, cancellationToken: ct)))
                .ToDictionary(i => i.SkuId);
            var items = req.Items ?? [];
            foreach (var item in items)
            {
                if (!ordered.TryGetValue(item.SkuId, out var line))
                {
                    await Send.ResultAsync(AfterSaleProblems.Invalid("items", $"SKU {item.SkuId} is not in this order.", code: "aftersale.item_not_in_order",
                        new Dictionary<string, object?> { ["skuId"] = item.SkuId }));
                    return;
                }
                if (item.Quantity > line.Ordered - line.Claimed)
                {
                    var left = Math.Max(0, line.Ordered - line.Claimed);
                    await Send.ResultAsync(AfterSaleProblems.Invalid("items", $"At most {left} of SKU {item.SkuId} can still be returned.", code: "aftersale.item_quantity_exceeded", new Dictionary<string, object?> { ["skuId"] = item.SkuId, ["max"] = left }));
                    return;
                }
            }

            var immediate = order.Status == OrderStatus.Paid;
            newStatus = immediate ? OrderStatus.Refunding : OrderStatus.AfterSale;
            long afterSaleId;
            try
            {
                afterSaleId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertAfterSale, new
                {
                    AfterSaleNo = afterSaleNo, OrderId = order.Id, req.OrderNo, UserId = userId,
                    Kind = immediate ? AfterSaleKind.Refund : AfterSaleKind.Return,
                    Status = immediate ? AfterSaleStatus.Refunding : AfterSaleStatus.AwaitingReview,
                    Reason = req.Reason!.Trim(), req.AmountCents, PhotoUrls = JsonSerializer.Serialize(req.PhotoUrls ?? []),
                    Before = order.Status, Now = now,
                }, tx, cancellationToken: ct));
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
            {
                await Send.ResultAsync(Problem.Conflict("The order has an open after-sale; wait for it or cancel it first.", code: "aftersale.already_open"));
                return;
            }
            foreach (var item in items)
                await connection.ExecuteAsync(new CommandDefinition(InsertItem, new
                {
                    AfterSaleId = afterSaleId, item.SkuId, ordered[item.SkuId].ProductId, item.Quantity,
                }, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(MoveOrder, new { OrderId = order.Id, From = order.Status, To = newStatus, Now = now },
                tx, cancellationToken: ct));
            if (immediate)
            {
                refundNo = await AfterSaleRefunds.CreateAsync(connection, tx, afterSaleId, order.Id, payment, req.AmountCents, now, ct);
            }
            await tx.CommitAsync(ct);
        }

        await events.PublishAsync(userId, req.OrderNo, newStatus, "after-sale");
        // The provider is asked after the commit; if it does not answer now, the refund worker asks again (same number).
        if (refundNo is not null) await refunds.SubmitAsync(refundNo, ct);
        await using var reader = await db.OpenConnectionAsync(ct);
        await Send.ResponseAsync((await AfterSaleQueries.FindAsync(reader, afterSaleNo, userId, ct))!, StatusCodes.Status201Created, ct);
    }

    private sealed record OrderRow(long Id, long UserId, string Status, long TotalCents);
    private sealed record OrderedRow(long SkuId, long ProductId, long Ordered, long Claimed);
}
