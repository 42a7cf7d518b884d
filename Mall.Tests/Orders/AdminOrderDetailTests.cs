using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Features.Orders;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Orders;

/// <summary>GET admin/orders/{orderNo} and the operator's changes to an order: ship, close, remarks, each in the audit log.</summary>
public sealed class AdminOrderDetailTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Shopper_(long Id, string Account);
    private sealed record Payment(string PaymentNo, string Provider, string Status, long AmountCents);
    private sealed record Shipment(string Carrier, string TrackingNo, DateTime ShippedAt);
    private sealed record TimelineEntry(string Event, DateTime At, string By, long? ActorId, string? ActorAccount, string? Note);
    private sealed record Remark(long Id, string Text, long AuthorId, string AuthorAccount, DateTime CreatedAt);
    private sealed record Item(long SkuId, string Title, int Quantity);
    private sealed record Address(string Receiver, string Phone);
    private sealed record Detail(string OrderNo, string Kind, string Status, long TotalCents, Item[] Items, Address? Address, long UserId, Shopper_ Shopper,
        Payment[] Payments, Shipment? Shipment, TimelineEntry[] Timeline, Remark[] Remarks, string? CancelReason, string? CancelNote,
        DateTime? ShippedAt, DateTime? CancelledAt);
    private sealed record AuditRow(long ActorId, string Action, string Entity, string EntityId, string? BeforeJson, string? AfterJson);

    private async Task<Detail> DetailAsync(Shopper admin, string orderNo) =>
        await (await admin.Client.GetAsync($"/api/v1/admin/orders/{orderNo}")).ReadAsync<Detail>();

    private async Task<List<AuditRow>> AuditAsync(string orderNo, string action)
    {
        await using var db = await app.OpenDbAsync();
        return (await db.QueryAsync<AuditRow>("""
            SELECT actor_id AS ActorId, action AS Action, entity AS Entity, entity_id AS EntityId, before_json AS BeforeJson, after_json AS AfterJson
            FROM admin_audit WHERE entity = 'order' AND entity_id = @OrderNo AND action = @Action ORDER BY id
            """, new { OrderNo = orderNo, Action = action })).ToList();
    }

    private async Task InsertPaymentAsync(string orderNo, string paymentNo)
    {
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("""
            INSERT INTO payments (payment_no, order_id, order_no, user_id, provider, channel, amount_cents, status, provider_trade_no, created_at, updated_at, paid_at)
            SELECT @PaymentNo, id, order_no, user_id, 'wechatpay', 'native', total_cents, 'Paid', '4200000000001', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
            FROM orders WHERE order_no = @OrderNo
            """, new { OrderNo = orderNo, PaymentNo = paymentNo });
    }

    [Fact]
    public async Task The_detail_tells_the_whole_story_of_a_received_order()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 10, priceCents: 2_500, title: "蓝牙耳机"))[0];
        var orderNo = await ConsoleOrders.CheckoutAsync(app, shopper, sku, 2);
        await InsertPaymentAsync(orderNo, "P" + orderNo[..20]);
        Assert.Equal(MarkPaidOutcome.Paid, (await ConsoleOrders.MarkPaidAsync(app, orderNo)).Outcome);
        (await admin.ShipAsync(orderNo, "顺丰速运", "SF-0001-2026")).EnsureSuccessStatusCode();
        (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/receipt", null)).EnsureSuccessStatusCode();
        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/remarks", new { text = "顾客来电：放门卫" })).EnsureSuccessStatusCode();

        var detail = await DetailAsync(admin, orderNo);
        // 2 × ¥25.00 is under the free-shipping threshold: the shop's flat shipping fee is part of the total.
        var fee = app.Service<Mall.Features.Orders.OrderOptions>().Shipping.FlatFeeCents;
        Assert.Equal(("Completed", 5_000L + fee), (detail.Status, detail.TotalCents));
        Assert.Equal((sku.SkuId, "蓝牙耳机", 2), (detail.Items.Single().SkuId, detail.Items.Single().Title, detail.Items.Single().Quantity));
        Assert.Equal("韩梅梅", detail.Address!.Receiver);
        Assert.Equal((shopper.UserId, shopper.Account), (detail.Shopper.Id, detail.Shopper.Account));
        Assert.Equal(shopper.UserId, detail.UserId);
        Assert.Equal(("wechatpay", "Paid", 5_000L + fee), (detail.Payments.Single().Provider, detail.Payments.Single().Status, detail.Payments.Single().AmountCents));
        Assert.Equal(("顺丰速运", "SF-0001-2026"), (detail.Shipment!.Carrier, detail.Shipment.TrackingNo));
        Assert.Equal("顾客来电：放门卫", detail.Remarks.Single().Text);
        Assert.Equal((admin.UserId, "admin@mall.local"), (detail.Remarks.Single().AuthorId, detail.Remarks.Single().AuthorAccount));

        Assert.Equal(["created", "paid", "shipped", "received"], detail.Timeline.Select(e => e.Event));
        Assert.True(detail.Timeline.Zip(detail.Timeline.Skip(1)).All(p => p.First.At <= p.Second.At), "the timeline runs oldest first");
        Assert.Equal(("shopper", shopper.UserId), (detail.Timeline[0].By, detail.Timeline[0].ActorId));
        Assert.Contains("wechatpay", detail.Timeline[1].Note);
        var shipped = detail.Timeline[2];
        Assert.Equal(("operator", admin.UserId, "admin@mall.local"), (shipped.By, shipped.ActorId, shipped.ActorAccount));
        Assert.Equal("顺丰速运 SF-0001-2026", shipped.Note);
        Assert.Equal(detail.ShippedAt, shipped.At);
        Assert.Equal(("shopper", shopper.Account), (detail.Timeline[3].By, detail.Timeline[3].ActorAccount));
    }

    [Fact]
    public async Task Cancellations_say_who_and_why()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 10))[0];
        var byShopper = await ConsoleOrders.CheckoutAsync(app, shopper, sku, 1);
        (await shopper.Client.PostAsync($"/api/v1/orders/{byShopper}/cancel", null)).EnsureSuccessStatusCode();
        var expired = await ConsoleOrders.InsertAsync(app, shopper.UserId);
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE orders SET status = 'Cancelled', cancel_reason = 'expired', cancelled_at = UTC_TIMESTAMP(3) WHERE order_no = @OrderNo",
                new { OrderNo = expired });

        var cancelled = (await DetailAsync(admin, byShopper)).Timeline.Last();
        Assert.Equal(("cancelled", "shopper", shopper.UserId), (cancelled.Event, cancelled.By, cancelled.ActorId));
        var lapsed = (await DetailAsync(admin, expired)).Timeline.Last();
        Assert.Equal(("expired", "system"), (lapsed.Event, lapsed.By));
        Assert.Null(lapsed.ActorId);
    }

    [Fact]
    public async Task Unknown_and_malformed_order_numbers()
    {
        var admin = await app.AdminOnceAsync();
        var missing = await (await admin.Client.GetAsync("/api/v1/admin/orders/T99999999999999999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("order.not_found", missing.GetProperty("code").GetString());
        await (await admin.Client.GetAsync("/api/v1/admin/orders/abc")).ShouldBeValidationErrorAsync("orderNo");
    }

    [Fact]
    public async Task Shipping_needs_a_carrier_and_a_tracking_number_and_a_paid_order()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var orderNo = await ConsoleOrders.InsertAsync(app, shopper.UserId, status: "PendingPayment");

        var noBody = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/ship", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(noBody.GetProperty("errors").TryGetProperty("carrier", out _));
        Assert.True(noBody.GetProperty("errors").TryGetProperty("trackingNo", out _));
        await (await admin.ShipAsync(orderNo, carrier: "  ")).ShouldBeValidationErrorAsync("carrier");
        await (await admin.ShipAsync(orderNo, carrier: new string('快', 33))).ShouldBeValidationErrorAsync("carrier");
        await (await admin.ShipAsync(orderNo, trackingNo: "SF 123 456")).ShouldBeValidationErrorAsync("trackingNo");
        await (await admin.ShipAsync(orderNo, trackingNo: "=1+2")).ShouldBeValidationErrorAsync("trackingNo");
        await (await admin.ShipAsync(orderNo, trackingNo: "")).ShouldBeValidationErrorAsync("trackingNo");

        var unpaid = await (await admin.ShipAsync(orderNo)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("order.not_paid", unpaid.GetProperty("code").GetString());
        Assert.Equal("PendingPayment", unpaid.GetProperty("args").GetProperty("status").GetString());
        var missing = await (await admin.ShipAsync("T99999999999999999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("order.not_found", missing.GetProperty("code").GetString());
        Assert.Empty(await AuditAsync(orderNo, "order.ship"));

        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE orders SET status = 'Paid', paid_at = UTC_TIMESTAMP(3) WHERE order_no = @OrderNo", new { OrderNo = orderNo });
        var shipped = await (await admin.ShipAsync(orderNo, " 中通快递 ", "ZT7788990011")).ReadAsync<Detail>();
        Assert.Equal(("Shipped", "中通快递", "ZT7788990011"), (shipped.Status, shipped.Shipment!.Carrier, shipped.Shipment.TrackingNo));
        await using (var db = await app.OpenDbAsync())
            Assert.Equal(("中通快递", "ZT7788990011", admin.UserId), await db.QuerySingleAsync<(string, string, long)>(
                "SELECT carrier, tracking_no, shipped_by FROM orders WHERE order_no = @OrderNo", new { OrderNo = orderNo }));

        var again = await (await admin.ShipAsync(orderNo)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Shipped", again.GetProperty("args").GetProperty("status").GetString());

        var audit = Assert.Single(await AuditAsync(orderNo, "order.ship"));
        Assert.Equal(admin.UserId, audit.ActorId);
        var before = JsonDocument.Parse(audit.BeforeJson!).RootElement;
        var after = JsonDocument.Parse(audit.AfterJson!).RootElement;
        Assert.Equal(("Paid", JsonValueKind.Null), (before.GetProperty("status").GetString(), before.GetProperty("trackingNo").ValueKind));
        Assert.Equal(("Shipped", "ZT7788990011"), (after.GetProperty("status").GetString(), after.GetProperty("trackingNo").GetString()));
    }

    [Fact]
    public async Task Closing_returns_the_stock_once_even_when_two_operators_race()
    {
        var admin = await app.AdminOnceAsync();
        var other = await app.AdminOnceAsync();
        var sku = (await app.ProductAsync(stock: 20))[0];
        var first = await app.FastShopperAsync();
        var second = await app.FastShopperAsync();
        var closing = await ConsoleOrders.CheckoutAsync(app, first, sku, 3);
        var staying = await ConsoleOrders.CheckoutAsync(app, second, sku, 2);
        Assert.Equal((20, 5, 0), await app.SkuCountersAsync(sku.SkuId));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? admin : other).Client.PostAsJsonAsync($"/api/v1/admin/orders/{closing}/close", new { reason = "顾客电话要求取消" })));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("order.not_pending", problem.GetProperty("code").GetString());
        }
        Assert.Equal((20, 2, 0), await app.SkuCountersAsync(sku.SkuId));
        Assert.Single(await AuditAsync(closing, "order.close"));

        var detail = await DetailAsync(admin, closing);
        Assert.Equal(("Cancelled", "operator", "顾客电话要求取消"), (detail.Status, detail.CancelReason, detail.CancelNote));
        var closed = detail.Timeline.Last();
        Assert.Equal(("closed", "operator", "顾客电话要求取消"), (closed.Event, closed.By, closed.Note));
        Assert.Contains(closed.ActorId, new long?[] { admin.UserId, other.UserId });
        Assert.Equal("PendingPayment", (await DetailAsync(admin, staying)).Status);

        // The closed order can no longer be paid; a paid one cannot be closed.
        Assert.Equal(MarkPaidOutcome.NotPayable, (await ConsoleOrders.MarkPaidAsync(app, closing)).Outcome);
        Assert.Equal(MarkPaidOutcome.Paid, (await ConsoleOrders.MarkPaidAsync(app, staying)).Outcome);
        var paid = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{staying}/close", new { reason = "试试" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Paid", paid.GetProperty("args").GetProperty("status").GetString());
        Assert.Equal((20, 0, 2), await app.SkuCountersAsync(sku.SkuId));
    }

    [Fact]
    public async Task Closing_a_seckill_order_hands_its_unit_back_to_the_activity()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 5))[0];
        var orderNo = await SqlOrders.InsertAsync(app, shopper.UserId, sku, 1, "seckill", DateTime.UtcNow.AddMinutes(5));
        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/close", new { reason = "重复下单" })).EnsureSuccessStatusCode();
        Assert.Equal(1, (await app.SkuCountersAsync(sku.SkuId)).Locked);
        await using var db = await app.OpenDbAsync();
        Assert.True(await db.ExecuteScalarAsync<bool>("SELECT stock_return_pending FROM orders WHERE order_no = @OrderNo", new { OrderNo = orderNo }));
    }

    [Fact]
    public async Task Closing_needs_a_reason()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var orderNo = await ConsoleOrders.InsertAsync(app, shopper.UserId);
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/close", new { })).ShouldBeValidationErrorAsync("reason");
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/close", new { reason = " " })).ShouldBeValidationErrorAsync("reason");
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/close", new { reason = new string('x', 201) })).ShouldBeValidationErrorAsync("reason");
        var missing = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/orders/T99999999999999999999/close", new { reason = "x" }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("order.not_found", missing.GetProperty("code").GetString());
        Assert.Equal("PendingPayment", (await DetailAsync(admin, orderNo)).Status);
    }

    [Fact]
    public async Task Remarks_are_kept_in_order_and_audited()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var orderNo = await ConsoleOrders.InsertAsync(app, shopper.UserId);
        var first = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/remarks", new { text = "第一条" })).ReadAsync<Remark>(HttpStatusCode.Created);
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/remarks", new { text = "second, with \"quotes\"" })).ReadAsync<Remark>(HttpStatusCode.Created);
        Assert.Equal(("第一条", admin.UserId), (first.Text, first.AuthorId));
        Assert.Equal(["第一条", "second, with \"quotes\""], (await DetailAsync(admin, orderNo)).Remarks.Select(r => r.Text));

        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/remarks", new { text = "" })).ShouldBeValidationErrorAsync("text");
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/remarks", new { text = new string('x', 501) })).ShouldBeValidationErrorAsync("text");
        var missing = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/orders/T99999999999999999999/remarks", new { text = "x" }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("order.not_found", missing.GetProperty("code").GetString());

        var audited = await AuditAsync(orderNo, "order.remark");
        Assert.Equal(2, audited.Count);
        Assert.Null(audited[0].BeforeJson);
        Assert.Equal("第一条", JsonDocument.Parse(audited[0].AfterJson!).RootElement.GetProperty("text").GetString());
    }
}
