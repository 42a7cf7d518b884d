using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Features.Payments.Sandbox;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.AfterSales;

/// <summary>The after-sale life cycle through the public API, with real refunds through the sandbox providers.</summary>
public sealed class AfterSaleFlowTests(PaymentsApp app) : IClassFixture<PaymentsApp>
{
    [Theory]
    [InlineData("wechatpay", "native")]
    [InlineData("alipay", "page")]
    public async Task A_refund_before_shipping_is_immediate_and_gives_back_money_stock_and_points(string provider, string channel)
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, paymentNo) = await app.PaidOrderAsync(shopper, 12_900, provider, channel, quantity: 3);
        var skuId = await app.SkuOfAsync(orderNo);
        Assert.Equal(129, (await app.MoneyAsync(orderNo)).Points);

        var created = await (await shopper.AskAsync(orderNo, 12_900, [new { skuId, quantity = 3 }], photoUrls: ["/media/after-sales/a.jpg"]))
            .ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        Assert.Equal("refund", created.Kind);
        Assert.Contains(created.Status, new[] { "Refunding", "Refunded" });
        Assert.NotNull(created.Refund);
        Assert.Equal(["/media/after-sales/a.jpg"], created.PhotoUrls);

        await shopper.RefundedAsync(created.AfterSaleNo);
        var order = await shopper.OrderAsync(orderNo);
        Assert.Equal("Refunded", order.Status);
        Assert.Equal(12_900, order.RefundedCents);
        Assert.Null(order.OpenAfterSaleNo);
        Assert.Equal("Succeeded", Assert.Single(order.Refunds).Status);
        var money = await app.MoneyAsync(orderNo);
        Assert.Equal(0, money.Points);
        Assert.Equal(0, money.Sold);
        Assert.Equal(0, money.LedgerPoints);
        var trade = await app.Service<SandboxStore>().FindAsync(provider, paymentNo);
        Assert.Equal(12_900, trade!.RefundedCents);
        Assert.Equal(SandboxTradeStates.Refunded, trade.State);
        Assert.Equal(created.Refund!.RefundNo, Assert.Single(trade.Refunds).Key);
    }

    [Fact]
    public async Task After_shipping_a_return_waits_for_the_admin_and_approval_refunds_part_of_the_money()
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, paymentNo) = await app.PaidOrderAsync(shopper, 12_900);
        await app.ShipAsync(orderNo);

        var asked = await (await shopper.AskAsync(orderNo, 5_000)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        Assert.Equal(("return", "AwaitingReview"), (asked.Kind, asked.Status));
        Assert.Null(asked.Refund);
        var order = await shopper.OrderAsync(orderNo);
        Assert.Equal(("AfterSale", asked.AfterSaleNo, 0L), (order.Status, order.OpenAfterSaleNo, order.RefundedCents));
        Assert.Null((await app.Service<SandboxStore>().FindAsync("wechatpay", paymentNo))!.RefundNo);

        var admin = await app.FastAdminAsync();
        var queue = await (await admin.Client.GetAsync("/api/v1/admin/after-sales?status=AwaitingReview&pageSize=100")).ReadAsync<AfterSalePageBody>();
        Assert.Contains(queue.Items, a => a.AfterSaleNo == asked.AfterSaleNo && a.UserId == shopper.UserId);

        var approved = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/after-sales/{asked.AfterSaleNo}/approve", new { note = "已收到退货" }))
            .ReadAsync<AfterSaleBody>();
        Assert.Contains(approved.Status, new[] { "Refunding", "Refunded" });
        Assert.Equal("已收到退货", approved.ReviewNote);
        await shopper.RefundedAsync(asked.AfterSaleNo);

        order = await shopper.OrderAsync(orderNo);
        Assert.Equal(("Shipped", 5_000L), (order.Status, order.RefundedCents));
        Assert.Null(order.OpenAfterSaleNo);
        // 129 points for 129.00 yuan; 79.00 yuan kept → 79 points.
        Assert.Equal(79, (await app.MoneyAsync(orderNo)).Points);
        Assert.Equal(5_000, (await app.Service<SandboxStore>().FindAsync("wechatpay", paymentNo))!.RefundedCents);
        // The console's order detail shows the refund, its total and a timeline step.
        using (var detail = JsonDocument.Parse(await admin.Client.GetStringAsync($"/api/v1/admin/orders/{orderNo}")))
        {
            Assert.Equal(5_000, detail.RootElement.GetProperty("refundedCents").GetInt64());
            var refund = Assert.Single(detail.RootElement.GetProperty("refunds").EnumerateArray());
            Assert.Equal((asked.AfterSaleNo, "Succeeded"), (refund.GetProperty("afterSaleNo").GetString(), refund.GetProperty("status").GetString()));
            Assert.Contains(detail.RootElement.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("event").GetString() == "refunded"
                && e.GetProperty("note").GetString()!.Contains(asked.AfterSaleNo));
        }
        await using var db = await app.OpenDbAsync();
        Assert.Equal(1, await db.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM admin_audit WHERE action = 'aftersale.approve' AND entity_id = @No AND before_json LIKE '%AwaitingReview%' AND after_json LIKE '%Refunding%'",
            new { No = asked.AfterSaleNo }));

        // Approving again is refused: it is no longer awaiting review.
        Assert.Equal("aftersale.not_awaiting_review",
            await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/after-sales/{asked.AfterSaleNo}/approve", new { })).CodeAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task A_rejected_return_refunds_nothing_restores_the_order_and_may_be_asked_again()
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, paymentNo) = await app.PaidOrderAsync(shopper);
        await app.ShipAsync(orderNo);
        (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/receipt", null)).EnsureSuccessStatusCode();
        var asked = await (await shopper.AskAsync(orderNo, 10_000)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        var before = await app.MoneyAsync(orderNo);

        var admin = await app.FastAdminAsync();
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/after-sales/{asked.AfterSaleNo}/reject", new { })).ShouldBeValidationErrorAsync("note");
        var rejected = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/after-sales/{asked.AfterSaleNo}/reject", new { note = "超过退货期限" }))
            .ReadAsync<AfterSaleBody>();
        Assert.Equal(("Rejected", "超过退货期限"), (rejected.Status, rejected.ReviewNote));
        Assert.Equal("Rejected", (await shopper.AfterSaleAsync(asked.AfterSaleNo)).Status);
        Assert.Equal(before with { OrderStatus = "Completed" }, await app.MoneyAsync(orderNo));
        Assert.Null((await app.Service<SandboxStore>().FindAsync("wechatpay", paymentNo))!.RefundNo);
        Assert.Equal("aftersale.not_awaiting_review",
            await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/after-sales/{asked.AfterSaleNo}/approve", new { })).CodeAsync(HttpStatusCode.Conflict));
        await using (var db = await app.OpenDbAsync())
            Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM admin_audit WHERE action = 'aftersale.reject' AND entity_id = @No",
                new { No = asked.AfterSaleNo }));

        // Rejected money is not "asked for" any more: the whole amount may be asked again.
        var again = await (await shopper.AskAsync(orderNo, 10_000)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        Assert.Equal("AwaitingReview", again.Status);
    }

    [Fact]
    public async Task The_shopper_may_withdraw_a_return_only_while_it_awaits_review()
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, _) = await app.PaidOrderAsync(shopper);
        await app.ShipAsync(orderNo);
        var asked = await (await shopper.AskAsync(orderNo, 1_000)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);

        var cancelled = await (await shopper.Client.PostAsync($"/api/v1/after-sales/{asked.AfterSaleNo}/cancel", null)).ReadAsync<AfterSaleBody>();
        Assert.Equal("Cancelled", cancelled.Status);
        Assert.Equal("Shipped", (await shopper.OrderAsync(orderNo)).Status);
        Assert.Equal("aftersale.not_awaiting_review",
            await (await shopper.Client.PostAsync($"/api/v1/after-sales/{asked.AfterSaleNo}/cancel", null)).CodeAsync(HttpStatusCode.Conflict));

        // A refund already under way (not shipped: immediate) cannot be withdrawn.
        var (paidOrder, _) = await app.PaidOrderAsync(shopper);
        var refund = await (await shopper.AskAsync(paidOrder, 1_000)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        Assert.Equal("aftersale.not_awaiting_review",
            await (await shopper.Client.PostAsync($"/api/v1/after-sales/{refund.AfterSaleNo}/cancel", null)).CodeAsync(HttpStatusCode.Conflict));
        await shopper.RefundedAsync(refund.AfterSaleNo);

        var mine = await (await shopper.Client.GetAsync("/api/v1/after-sales")).ReadAsync<AfterSalePageBody>();
        Assert.Equal(2, mine.Total);
        Assert.All(mine.Items, a => Assert.Null(a.UserId));
    }

    [Fact]
    public async Task Partial_refunds_add_up_to_the_paid_amount_and_never_beyond()
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, paymentNo) = await app.PaidOrderAsync(shopper, 10_000, "alipay", "precreate");

        foreach (var amount in new long[] { 3_000, 2_550 })
        {
            var part = await (await shopper.AskAsync(orderNo, amount)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
            await shopper.RefundedAsync(part.AfterSaleNo);
            Assert.Equal("Paid", (await shopper.OrderAsync(orderNo)).Status);
        }
        var tooMuch = await (await shopper.AskAsync(orderNo, 4_451)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("aftersale.amount_exceeds_paid", tooMuch.GetProperty("code").GetString());
        Assert.Equal(4_450, tooMuch.GetProperty("args").GetProperty("max").GetInt64());
        Assert.True(tooMuch.GetProperty("errors").TryGetProperty("amountCents", out _));

        var last = await (await shopper.AskAsync(orderNo, 4_450)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        await shopper.RefundedAsync(last.AfterSaleNo);
        var order = await shopper.OrderAsync(orderNo);
        Assert.Equal(("Refunded", 10_000L, 3), (order.Status, order.RefundedCents, order.Refunds.Count));
        Assert.Equal(10_000, order.Refunds.Sum(r => r.AmountCents));
        var trade = await app.Service<SandboxStore>().FindAsync("alipay", paymentNo);
        Assert.Equal((10_000L, 3), (trade!.RefundedCents, trade.Refunds.Count));
        var money = await app.MoneyAsync(orderNo);
        Assert.Equal((0L, 0L, 4L), (money.Points, money.LedgerPoints, money.LedgerRows));

        Assert.Equal("aftersale.fully_refunded", await (await shopper.AskAsync(orderNo, 1)).CodeAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Bad_requests_are_400_or_409_with_codes_and_change_nothing()
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, _) = await app.PaidOrderAsync(shopper, 10_000, quantity: 2);
        var skuId = await app.SkuOfAsync(orderNo);
        var before = await app.MoneyAsync(orderNo);

        await (await shopper.AskAsync(orderNo, 0)).ShouldBeValidationErrorAsync("amountCents");
        await (await shopper.AskAsync(orderNo, -100)).ShouldBeValidationErrorAsync("amountCents");
        await (await shopper.AskAsync(orderNo, 100, reason: "")).ShouldBeValidationErrorAsync("reason");
        await (await shopper.AskAsync(orderNo, 100, photoUrls: ["javascript:alert(1)"])).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/after-sales", new { reason = "x", amountCents = "lots" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("aftersale.amount_exceeds_paid", await (await shopper.AskAsync(orderNo, 10_001)).CodeAsync(HttpStatusCode.BadRequest));
        Assert.Equal("aftersale.item_not_in_order",
            await (await shopper.AskAsync(orderNo, 100, [new { skuId = skuId + 1000, quantity = 1 }])).CodeAsync(HttpStatusCode.BadRequest));
        Assert.Equal("aftersale.item_quantity_exceeded",
            await (await shopper.AskAsync(orderNo, 100, [new { skuId, quantity = 3 }])).CodeAsync(HttpStatusCode.BadRequest));

        var unpaid = await app.NewOrderAsync(shopper.UserId);
        Assert.Equal("aftersale.not_paid", await (await shopper.AskAsync(unpaid, 100)).CodeAsync(HttpStatusCode.Conflict));
        await app.CancelOrderAsync(unpaid);
        Assert.Equal("aftersale.not_paid", await (await shopper.AskAsync(unpaid, 100)).CodeAsync(HttpStatusCode.Conflict));
        await (await shopper.AskAsync("N00000000000000000001", 100)).ShouldBeNotFoundAsync("The order");
        Assert.Equal("aftersale.not_found",
            await (await shopper.Client.GetAsync("/api/v1/after-sales/AS00000000000000000000001")).CodeAsync(HttpStatusCode.NotFound));
        await (await shopper.Client.GetAsync("/api/v1/after-sales/bad-number!")).ShouldBeValidationErrorAsync("afterSaleNo");

        Assert.Equal(before, await app.MoneyAsync(orderNo));
        await using var db = await app.OpenDbAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM after_sales WHERE user_id = @UserId", new { shopper.UserId }));
    }

    [Fact]
    public async Task Another_shoppers_after_sale_does_not_exist_for_you()
    {
        var owner = await app.FastShopperAsync();
        var stranger = await app.FastShopperAsync();
        var (orderNo, _) = await app.PaidOrderAsync(owner);
        await app.ShipAsync(orderNo);
        var asked = await (await owner.AskAsync(orderNo, 1_000)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);

        Assert.Equal("aftersale.not_found", await (await stranger.Client.GetAsync($"/api/v1/after-sales/{asked.AfterSaleNo}")).CodeAsync(HttpStatusCode.NotFound));
        Assert.Equal("aftersale.not_found",
            await (await stranger.Client.PostAsync($"/api/v1/after-sales/{asked.AfterSaleNo}/cancel", null)).CodeAsync(HttpStatusCode.NotFound));
        await (await stranger.AskAsync(orderNo, 1_000)).ShouldBeNotFoundAsync("The order");
        Assert.Equal(0, (await (await stranger.Client.GetAsync("/api/v1/after-sales")).ReadAsync<AfterSalePageBody>()).Total);

        Assert.Equal("AwaitingReview", (await owner.AfterSaleAsync(asked.AfterSaleNo)).Status);
        var admin = await app.FastAdminAsync();
        var seen = await (await admin.Client.GetAsync($"/api/v1/admin/after-sales/{asked.AfterSaleNo}")).ReadAsync<AfterSaleBody>();
        Assert.Equal(owner.UserId, seen.UserId);
    }
}
