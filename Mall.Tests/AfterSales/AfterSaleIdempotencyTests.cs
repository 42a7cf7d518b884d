using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Mall.Features.AfterSales;
using Mall.Features.Payments;
using Mall.Features.Payments.Sandbox;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.AfterSales;

/// <summary>
/// Concurrency and repetition: racing requests, repeated and replayed confirmations, and retried provider calls
/// never refund more than was paid, never refund twice, and adjust stock and points exactly once.
/// </summary>
public sealed class AfterSaleIdempotencyTests(PaymentsApp app) : IClassFixture<PaymentsApp>
{
    private const string RefundNotifyPath = "/api/v1/payments/notify/wechatpay/refund";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_requests_on_one_order_never_exceed_the_paid_amount_nor_refund_twice(bool shipped)
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, paymentNo) = await app.PaidOrderAsync(shopper, 10_000);
        if (shipped) await app.ShipAsync(orderNo);

        // 6,000 twice would exceed the 10,000 paid: whatever the timing, exactly one may be accepted.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => shopper.AskAsync(orderNo, 6_000)));
        var created = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
        var single = await Assert.Single(created).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        foreach (var refused in answers.Except(created))
            Assert.Contains(await refused.CodeAsync(refused.StatusCode), new[] { "aftersale.already_open", "aftersale.amount_exceeds_paid" });

        if (shipped)
        {
            var admin = await app.FastAdminAsync();
            var approvals = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
                admin.Client.PostAsync($"/api/v1/admin/after-sales/{single.AfterSaleNo}/approve", System.Net.Http.Json.JsonContent.Create(new { }))));
            Assert.Single(approvals, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(approvals.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        }
        await shopper.RefundedAsync(single.AfterSaleNo);

        var money = await app.MoneyAsync(orderNo);
        Assert.Equal((6_000L, 1L), (money.RefundedCents, money.Refunds));
        var trade = await app.Service<SandboxStore>().FindAsync("wechatpay", paymentNo);
        Assert.Equal((6_000L, 1), (trade!.RefundedCents, trade.Refunds.Count));
        Assert.Equal(shipped ? "Shipped" : "Paid", money.OrderStatus);
    }

    [Fact]
    public async Task Repeated_and_replayed_refund_notifications_change_nothing()
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, paymentNo) = await app.PaidOrderAsync(shopper, 10_000, quantity: 2);
        var skuId = await app.SkuOfAsync(orderNo);
        var asked = await (await shopper.AskAsync(orderNo, 5_000, [new { skuId, quantity = 1 }])).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        await shopper.RefundedAsync(asked.AfterSaleNo);
        var settled = await app.MoneyAsync(orderNo);
        Assert.Equal(("Paid", 5_000L, 1L, 1L, 50L), (settled.OrderStatus, settled.RefundedCents, settled.Sold, settled.StockReturns, settled.Points));

        var sandbox = app.Service<SandboxWeChatPay>();
        var trade = (await app.Service<SandboxStore>().FindAsync("wechatpay", paymentNo))!;
        var refundNo = asked.Refund!.RefundNo;
        var resource = sandbox.RefundResource(trade, refundNo, trade.Refunds[refundNo]);
        var client = app.Anonymous();

        // A fresh delivery of the same confirmation (new nonce, as WeChat's retries are): acknowledged, no effect.
        for (var i = 0; i < 3; i++)
        {
            using var again = await client.SendAsync(sandbox.Notification(RefundNotifyPath, "REFUND.SUCCESS", "退款成功", "refund", resource));
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }
        // The very same request captured and replayed: refused (nonce), no effect.
        var nonce = "replayed" + Guid.NewGuid().ToString("N")[..20];
        using (var first = await client.SendAsync(sandbox.Notification(RefundNotifyPath, "REFUND.SUCCESS", "退款成功", "refund", resource, nonce: nonce)))
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        using (var replay = await client.SendAsync(sandbox.Notification(RefundNotifyPath, "REFUND.SUCCESS", "退款成功", "refund", resource, nonce: nonce)))
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        // Tampered body, unknown serial, stale timestamp: refused before anything is read.
        using (var tampered = await client.SendAsync(sandbox.Notification(RefundNotifyPath, "REFUND.SUCCESS", "退款成功", "refund", resource,
                   tamper: body => body.Replace("REFUND.SUCCESS", "REFUND.SUCCESS "))))
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        using (var foreign = await client.SendAsync(sandbox.Notification(RefundNotifyPath, "REFUND.SUCCESS", "退款成功", "refund", resource,
                   serial: "PUB_KEY_ID_0000000000000000000000000000000000")))
            Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);
        using (var stale = await client.SendAsync(sandbox.Notification(RefundNotifyPath, "REFUND.SUCCESS", "退款成功", "refund", resource,
                   timestamp: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds())))
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        // Verified, but not a refund of ours: refused with WeChat's failure answer.
        var unknown = JsonNode.Parse(resource.ToJsonString())!.AsObject();
        unknown["out_refund_no"] = "RF00000000000000000000001";
        using (var notOurs = await client.SendAsync(sandbox.Notification(RefundNotifyPath, "REFUND.SUCCESS", "退款成功", "refund", unknown)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notOurs.StatusCode);
            Assert.Contains("\"FAIL\"", await notOurs.Content.ReadAsStringAsync());
        }

        // The service's own repeated confirmation and a worker round change nothing either.
        Assert.True(await app.Service<AfterSaleRefunds>().CompleteAsync("wechatpay", refundNo, CancellationToken.None));
        await app.Service<RefundWorker>().RunOnceAsync(CancellationToken.None, TimeSpan.Zero);
        Assert.Equal(settled, await app.MoneyAsync(orderNo));
        Assert.Equal(5_000, (await app.Service<SandboxStore>().FindAsync("wechatpay", paymentNo))!.RefundedCents);
    }

    [Fact]
    public async Task Stock_and_points_are_adjusted_once_however_many_confirmations_race()
    {
        var shopper = await app.FastShopperAsync();
        var (orderNo, _) = await app.PaidOrderAsync(shopper, 9_999, quantity: 3);
        var skuId = await app.SkuOfAsync(orderNo);
        var asked = await (await shopper.AskAsync(orderNo, 9_999, [new { skuId, quantity = 2 }])).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        var refunds = app.Service<AfterSaleRefunds>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => refunds.CompleteAsync("wechatpay", asked.Refund!.RefundNo, CancellationToken.None)));
        await shopper.RefundedAsync(asked.AfterSaleNo);

        var money = await app.MoneyAsync(orderNo);
        // 3 sold, 2 given back; 99 points granted (99.99 yuan), all taken back once.
        Assert.Equal(("Refunded", 1L, 1L, 0L, 0L, 2L), (money.OrderStatus, money.Sold, money.StockReturns, money.Points, money.LedgerPoints, money.LedgerRows));
        var (stock, locked, sold) = await app.SkuCountersAsync(skuId);
        Assert.Equal((10, 0, 1), (stock, locked, sold));
    }

    [Theory]
    [InlineData("wechatpay", "native")]
    [InlineData("alipay", "page")]
    public async Task A_refund_asked_again_with_the_same_number_moves_the_money_once_in_the_sandbox(string provider, string channel)
    {
        var shopper = await app.FastShopperAsync();
        var (_, paymentNo) = await app.PaidOrderAsync(shopper, 10_000, provider, channel);
        var client = app.Service<PaymentProviders>().Get(provider);
        var request = new RefundRequest(paymentNo, "RFSAME" + Guid.NewGuid().ToString("N")[..16], 2_500, 10_000, "test");

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.RefundAsync(request, CancellationToken.None)));
        Assert.Contains(answers, a => a == RefundState.Succeeded);
        var trade = await app.Service<SandboxStore>().FindAsync(provider, paymentNo);
        Assert.Equal((2_500L, 1), (trade!.RefundedCents, trade.Refunds.Count));

        // The same number with another amount is refused; so is a refund beyond what is left.
        await Assert.ThrowsAsync<PaymentProviderException>(() => client.RefundAsync(request with { RefundCents = 3_000 }, CancellationToken.None));
        await Assert.ThrowsAsync<PaymentProviderException>(() =>
            client.RefundAsync(request with { RefundNo = "RFMORE" + Guid.NewGuid().ToString("N")[..16], RefundCents = 7_501 }, CancellationToken.None));
        Assert.Equal(2_500, (await app.Service<SandboxStore>().FindAsync(provider, paymentNo))!.RefundedCents);
    }
}

/// <summary>
/// The provider's answer to the first refund call is lost (the refund happened at the sandbox, the shop saw an
/// error), and the sandbox sends no notifications: only the worker's retry with the same number can settle it.
/// </summary>
public sealed class LostRefundAnswerApp() : MallApp(TestHost.PaymentsSandbox, LoseFirstRefundAnswer)
{
    private static readonly TestHostOption LoseFirstRefundAnswer = new()
    {
        Settings = new Dictionary<string, string?> { ["Payments:Sandbox:SendNotifications"] = "false" },
        Services = (_, services) =>
        {
            foreach (var name in new[] { Features.Payments.WeChatPay.WeChatPayClient.HttpClientName, Features.Payments.Alipay.AlipayClient.HttpClientName })
                services.AddHttpClient(name).AddHttpMessageHandler(() => new LoseFirstRefundAnswerHandler());
        },
    };

    public static int Lost;

    private sealed class LoseFirstRefundAnswerHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var isRefund = request.RequestUri!.AbsolutePath.EndsWith("/refund/domestic/refunds")
                           || request.RequestUri.Query.Contains("alipay.trade.refund");
            var response = await base.SendAsync(request, ct);
            if (isRefund && Interlocked.Exchange(ref Lost, 1) == 0)
            {
                response.Dispose();
                throw new HttpRequestException("connection reset (test: the answer was lost)");
            }
            return response;
        }
    }
}

public sealed class AfterSaleRetryTests(LostRefundAnswerApp app) : IClassFixture<LostRefundAnswerApp>
{
    [Theory]
    [InlineData("wechatpay", "native")]
    [InlineData("alipay", "page")]
    public async Task A_refund_whose_answer_was_lost_is_retried_with_the_same_number_and_refunds_once(string provider, string channel)
    {
        var shopper = await app.FastShopperAsync();
        // Notifications are off: the payment is settled the way the active query would settle it.
        var orderNo = await app.NewOrderAsync(shopper.UserId, 8_000);
        var paymentNo = (await app.PayAsync(shopper, orderNo, provider, channel)) is var payment ? payment.PaymentNo : "";
        await app.ConfirmAtSandboxAsync(payment.CodeUrl ?? payment.RedirectUrl!);
        var paid = await app.Service<PaymentProviders>().Get(provider).QueryAsync(paymentNo, CancellationToken.None);
        Assert.Equal(SettleOutcome.Paid,
            await app.Service<PaymentSettlement>().ApplyPaidAsync(provider, paymentNo, paid.ProviderTradeNo, paid.AmountCents, CancellationToken.None));
        Interlocked.Exchange(ref LostRefundAnswerApp.Lost, 0);

        var asked = await (await shopper.AskAsync(orderNo, 8_000)).ReadAsync<AfterSaleBody>(HttpStatusCode.Created);
        Assert.Equal("Refunding", asked.Status);
        await using (var db = await app.OpenDbAsync())
        {
            var row = await db.QuerySingleAsync<(string Status, int Attempts, string? LastError)>(
                "SELECT status, attempts, last_error FROM refunds WHERE refund_no = @No", new { No = asked.Refund!.RefundNo });
            Assert.Equal(("Pending", 1), (row.Status, row.Attempts));
            Assert.Contains("lost", row.LastError);
        }
        // The money did move at the provider: the retry must not move it again.
        Assert.Equal(8_000, (await app.Service<SandboxStore>().FindAsync(provider, paymentNo))!.RefundedCents);

        // WeChat accepts a refund first (PROCESSING) and confirms by notification, which is off here: the worker
        // re-asks with the same number once the confirmation is overdue, and the provider answers SUCCESS.
        var worker = app.Service<RefundWorker>();
        await worker.RunOnceAsync(CancellationToken.None, TimeSpan.Zero);
        await worker.RunOnceAsync(CancellationToken.None, TimeSpan.Zero);
        await shopper.RefundedAsync(asked.AfterSaleNo);

        var trade = await app.Service<SandboxStore>().FindAsync(provider, paymentNo);
        Assert.Equal((8_000L, 1), (trade!.RefundedCents, trade.Refunds.Count));
        Assert.Equal(asked.Refund!.RefundNo, trade.Refunds.Keys.Single());
        var order = await shopper.OrderAsync(orderNo);
        Assert.Equal(("Refunded", 8_000L), (order.Status, order.RefundedCents));
        Assert.Equal(0, (await app.MoneyAsync(orderNo)).Points);
    }
}
