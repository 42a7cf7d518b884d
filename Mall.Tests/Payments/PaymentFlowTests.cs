using System.Net;
using Dapper;
using Mall.Features.Payments;
using Mall.Features.Payments.Sandbox;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Payments;

/// <summary>Order → payment → sandbox cashier → signed notification → order Paid, for each provider and channel.</summary>
public sealed class PaymentFlowTests(PaymentsApp app) : IClassFixture<PaymentsApp>
{
    [Fact]
    public void The_configured_sandbox_retry_schedule_replaces_the_default()
    {
        Assert.Equal([0.2, 0.3, 0.5, 0.5, 1, 1, 1, 2, 2, 2], app.Service<SandboxOptions>().RetrySchedule);
    }

    [Fact]
    public async Task WeChat_native_payment_confirmed_in_the_sandbox_pays_the_order_once()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 12_900);

        var payment = await app.PayAsync(shopper, orderNo, "wechatpay", "native");
        Assert.Equal(12_900, payment.AmountCents);
        Assert.Equal("Pending", payment.Status);
        Assert.StartsWith("http://localhost/sandbox/cashier/", payment.CodeUrl);

        await app.ConfirmAtSandboxAsync(payment.CodeUrl!);
        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid", "the notification pays the order");
        var paid = await app.StateAsync(orderNo);
        Assert.Equal(new DbState("Paid", 129, "Paid", 0, 1, 1), paid);
        await Http.EventuallyAsync(() => Task.FromResult(app.Hub.Sent.Any(m => m.Target == $"user:{shopper.UserId}")), because: "the owner is told");
        var pushed = Assert.Single(app.Hub.Sent, m => m.Target == $"user:{shopper.UserId}");
        Assert.Equal("OrderStatusChanged", pushed.Method);
        Assert.Equal($"{{\"orderNo\":\"{orderNo}\",\"status\":\"Paid\"}}", System.Text.Json.JsonSerializer.Serialize(pushed.Args[0]));

        var status = await shopper.Client.GetAsync($"/api/v1/payments/{payment.PaymentNo}");
        Assert.Equal("Paid", (await status.ReadAsync<PaymentCreated>()).Status);

        // The sandbox delivers the same payment notification again (fresh nonce and signature): acknowledged, no effect.
        var notifier = app.Service<SandboxNotifier>();
        var log = notifier.Log($"wechatpay:paid:{payment.PaymentNo}");
        await Http.EventuallyAsync(() => Task.FromResult(log.Acknowledged == 1), because: "the first delivery is acknowledged");
        var trade = (await app.Service<SandboxStore>().FindAsync(Providers.WeChatPay, payment.PaymentNo))!;
        notifier.Send(app.Service<SandboxWeChatPay>().PaidDelivery(trade));
        await Http.EventuallyAsync(() => Task.FromResult(log.Acknowledged == 2), because: "the duplicate is acknowledged");
        Assert.Equal(paid, await app.StateAsync(orderNo));
        Assert.Single(app.Hub.Sent, m => m.Target == $"user:{shopper.UserId}");
    }

    [Fact]
    public async Task WeChat_jsapi_parameters_carry_a_valid_paySign_and_the_payment_completes()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 5_000);
        var missingOpenId = await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/payments",
            System.Net.Http.Json.JsonContent.Create(new { provider = "wechatpay", channel = "jsapi" }));
        await missingOpenId.ShouldBeValidationErrorAsync("openId");

        var payment = await app.PayAsync(shopper, orderNo, "wechatpay", "jsapi", openId: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        var j = payment.Jsapi!;
        Assert.Equal(("RSA", SandboxKeys.WeChatAppId), (j.SignType, j.AppId));
        Assert.StartsWith("prepay_id=wx", j.Package);

        string Query(string paySign) => $"/sandbox/wechatpay/jsapi-cashier?appId={j.AppId}&timeStamp={j.TimeStamp}&nonceStr={j.NonceStr}" +
                                        $"&package={Uri.EscapeDataString(j.Package)}&paySign={Uri.EscapeDataString(paySign)}";
        var forged = await app.Anonymous().GetAsync(Query(j.PaySign[..^8] + "AAAAAAA="));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var cashier = await app.Anonymous().GetAsync(Query(j.PaySign));
        Assert.Equal(HttpStatusCode.Redirect, cashier.StatusCode);

        await app.ConfirmAtSandboxAsync(cashier.Headers.Location!.ToString());
        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid" && s.Points == 50, "the jsapi payment pays the order");
    }

    [Fact]
    public async Task Alipay_page_pay_redirect_confirmed_in_the_sandbox_pays_the_order_once()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 8_888, quantity: 2);

        var payment = await app.PayAsync(shopper, orderNo, "alipay", "page");
        Assert.StartsWith("http://localhost/sandbox/alipay/gateway.do?", payment.RedirectUrl);
        Assert.Contains("method=alipay.trade.page.pay", payment.RedirectUrl);
        Assert.Contains("sign=", payment.RedirectUrl);

        await app.ConfirmAtSandboxAsync(payment.RedirectUrl!);
        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid", "the notification pays the order");
        var paid = await app.StateAsync(orderNo);
        Assert.Equal(new DbState("Paid", 88, "Paid", 0, 2, 1), paid);

        var notifier = app.Service<SandboxNotifier>();
        var log = notifier.Log($"alipay:paid:{payment.PaymentNo}");
        await Http.EventuallyAsync(() => Task.FromResult(log.Acknowledged == 1), because: "the first delivery is acknowledged");
        var trade = (await app.Service<SandboxStore>().FindAsync(Providers.Alipay, payment.PaymentNo))!;
        notifier.Send(app.Service<SandboxAlipay>().NotificationDelivery(trade));
        await Http.EventuallyAsync(() => Task.FromResult(log.Acknowledged == 2), because: "the duplicate is acknowledged with success");
        Assert.Equal(paid, await app.StateAsync(orderNo));
    }

    [Fact]
    public async Task Alipay_precreate_qr_trade_exists_only_after_the_scan_and_then_pays()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 1_999);
        var payment = await app.PayAsync(shopper, orderNo, "alipay", "precreate");
        var alipay = app.Service<PaymentProviders>().Get(Providers.Alipay);
        Assert.Equal(TradeState.NotFound, (await alipay.QueryAsync(payment.PaymentNo, CancellationToken.None)).State);

        await app.ConfirmAtSandboxAsync(payment.CodeUrl!);
        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid" && s.Points == 19, "the precreate payment pays the order");
        var query = await alipay.QueryAsync(payment.PaymentNo, CancellationToken.None);
        Assert.Equal((TradeState.Paid, 1_999L), (query.State, query.AmountCents));
    }

    [Fact]
    public async Task Creating_a_payment_is_idempotent_owner_only_and_takes_the_amount_from_the_order()
    {
        var shopper = await app.NewShopperAsync();
        var other = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 4_321);

        var first = await app.PayAsync(shopper, orderNo, "wechatpay", "native");
        var again = await app.PayAsync(shopper, orderNo, "wechatpay", "native", expected: HttpStatusCode.OK);
        Assert.Equal((first.PaymentNo, first.CodeUrl), (again.PaymentNo, again.CodeUrl));
        var alipay = await app.PayAsync(shopper, orderNo, "alipay", "precreate");
        Assert.NotEqual(first.PaymentNo, alipay.PaymentNo);
        Assert.Equal(4_321, alipay.AmountCents);

        var foreign = await other.Client.PostAsync($"/api/v1/orders/{orderNo}/payments",
            System.Net.Http.Json.JsonContent.Create(new { provider = "wechatpay", channel = "native" }));
        await foreign.ShouldBeNotFoundAsync("The order");
        await (await other.Client.GetAsync($"/api/v1/payments/{first.PaymentNo}")).ShouldBeNotFoundAsync("The payment");
        var unknown = await shopper.Client.PostAsync("/api/v1/orders/N000000000000000/payments",
            System.Net.Http.Json.JsonContent.Create(new { provider = "alipay", channel = "page" }));
        await unknown.ShouldBeNotFoundAsync("The order");
        var badChannel = await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/payments",
            System.Net.Http.Json.JsonContent.Create(new { provider = "alipay", channel = "native" }));
        await badChannel.ShouldBeValidationErrorAsync("channel");

        var cancelled = await app.NewOrderAsync(shopper.UserId);
        await app.CancelOrderAsync(cancelled);
        var notPayable = await shopper.Client.PostAsync($"/api/v1/orders/{cancelled}/payments",
            System.Net.Http.Json.JsonContent.Create(new { provider = "wechatpay", channel = "native" }));
        await notPayable.ShouldBeProblemAsync(HttpStatusCode.Conflict);

        await using var db = await app.OpenDbAsync();
        Assert.Equal(2, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM payments WHERE order_no = @orderNo", new { orderNo }));
    }

    [Theory]
    [InlineData("wechatpay", "native")]
    [InlineData("alipay", "page")]
    public async Task Money_arriving_for_a_cancelled_order_is_refunded_and_the_order_stays_cancelled(string provider, string channel)
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 7_700);
        var payment = await app.PayAsync(shopper, orderNo, provider, channel);
        await app.CancelOrderAsync(orderNo);

        await app.ConfirmAtSandboxAsync(payment.CodeUrl ?? payment.RedirectUrl!);
        await app.EventuallyAsync(orderNo, s => s.Payments == "Refunded", "the payment is refunded automatically");
        Assert.Equal(new DbState("Cancelled", 0, "Refunded", 0, 0, 0), await app.StateAsync(orderNo));
        var trade = await app.Service<SandboxStore>().FindAsync(provider, payment.PaymentNo);
        Assert.Equal(SandboxTradeStates.Refunded, trade!.State);
        Assert.NotNull(trade.RefundNo);
    }

    [Theory]
    [InlineData("wechatpay", "native")]
    [InlineData("alipay", "precreate")]
    public async Task The_worker_closes_open_payments_of_cancelled_orders_at_the_provider(string provider, string channel)
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId);
        var payment = await app.PayAsync(shopper, orderNo, provider, channel);
        // The buyer opened the QR code, so the trade exists at the provider (matters for Alipay precreate).
        (await app.Anonymous().GetAsync(new Uri(payment.CodeUrl!).PathAndQuery)).EnsureSuccessStatusCode();
        await app.CancelOrderAsync(orderNo);

        await app.Service<PaymentWorker>().RunOnceAsync(CancellationToken.None);
        Assert.Equal("Closed", (await app.StateAsync(orderNo)).Payments);
        Assert.Equal(SandboxTradeStates.Closed, (await app.Service<SandboxStore>().FindAsync(provider, payment.PaymentNo))!.State);
        var page = await app.Anonymous().GetStringAsync(new Uri(payment.CodeUrl!).PathAndQuery);
        Assert.Contains("交易已关闭 / Trade closed", page);
    }
}

internal static class AssertExtensions
{
    public static void ShouldBe(this HttpStatusCode actual, HttpStatusCode expected) => Assert.Equal(expected, actual);
}
