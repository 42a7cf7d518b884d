using System.Net;
using Mall.Features.Payments;
using Mall.Features.Payments.Sandbox;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Payments;

/// <summary>
/// Notifications off, WeChat Pay verification in platform-certificate mode: a lost notification is made good
/// by GET /payments/{no} asking the provider once the payment is a minute old.
/// </summary>
public sealed class PaymentQueryTests(QuietPaymentsApp app) : IClassFixture<QuietPaymentsApp>
{
    [Theory]
    [InlineData("wechatpay", "native")]
    [InlineData("alipay", "precreate")]
    public async Task Pending_payment_older_than_a_minute_is_queried_at_the_provider_and_settled(string provider, string channel)
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 2_500);
        var payment = await app.PayAsync(shopper, orderNo, provider, channel);
        await app.ConfirmAtSandboxAsync(payment.CodeUrl!);

        var young = await (await shopper.Client.GetAsync($"/api/v1/payments/{payment.PaymentNo}")).ReadAsync<PaymentCreated>();
        Assert.Equal("Pending", young.Status);
        Assert.Equal("PendingPayment", (await app.StateAsync(orderNo)).OrderStatus);

        await using (var db = await app.OpenDbAsync())
            await Dapper.SqlMapper.ExecuteAsync(db, "UPDATE payments SET created_at = created_at - INTERVAL 61 SECOND WHERE payment_no = @No",
                new { No = payment.PaymentNo });
        var old = await (await shopper.Client.GetAsync($"/api/v1/payments/{payment.PaymentNo}")).ReadAsync<PaymentCreated>();
        Assert.Equal(("Paid", 2_500L, orderNo), (old.Status, old.AmountCents, old.OrderNo));
        Assert.Equal(new DbState("Paid", 25, "Paid", 0, 1, 1), await app.StateAsync(orderNo));
    }

    [Fact]
    public async Task Certificate_mode_accepts_the_platform_certificate_serial_and_refuses_the_public_key_id()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 1_000);
        var payment = await app.PayAsync(shopper, orderNo, "wechatpay", "native");
        var trade = (await app.Service<SandboxStore>().FindAsync(Providers.WeChatPay, payment.PaymentNo))! with
        {
            State = SandboxTradeStates.Paid, TransactionId = "4200000000202611250000000002", PaidAt = DateTimeOffset.UtcNow,
        };
        var wx = app.Service<SandboxWeChatPay>();
        const string url = "http://localhost/api/v1/payments/notify/wechatpay";

        using var publicKeyMode = wx.Notification(url, "TRANSACTION.SUCCESS", "支付成功", "transaction", wx.Transaction(trade),
            serial: app.Service<SandboxKeys>().PublicKeyId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().SendAsync(publicKeyMode)).StatusCode);
        Assert.Equal("PendingPayment", (await app.StateAsync(orderNo)).OrderStatus);

        // The .NET serial keeps a leading "00" for high-bit serials; the header never does. Both spellings verify.
        using var certificateMode = wx.Notification(url, "TRANSACTION.SUCCESS", "支付成功", "transaction", wx.Transaction(trade),
            serial: "00" + app.Service<SandboxKeys>().PlatformSerialNo.ToLowerInvariant());
        Assert.Equal(HttpStatusCode.NoContent, (await app.CreateClient().SendAsync(certificateMode)).StatusCode);
        Assert.Equal("Paid", (await app.StateAsync(orderNo)).OrderStatus);
    }

    /// <summary>Paid after cancel, found by the active query, refunded; the worker confirms the unconfirmed refund.</summary>
    [Fact]
    public async Task Payment_found_by_query_for_a_cancelled_order_is_refunded_and_the_worker_confirms_the_refund()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 6_600);
        var payment = await app.PayAsync(shopper, orderNo, "wechatpay", "native");
        await app.CancelOrderAsync(orderNo);
        await app.ConfirmAtSandboxAsync(payment.CodeUrl!);
        await using var db = await app.OpenDbAsync();
        await Dapper.SqlMapper.ExecuteAsync(db, "UPDATE payments SET created_at = created_at - INTERVAL 61 SECOND WHERE payment_no = @No",
            new { No = payment.PaymentNo });

        var queried = await (await shopper.Client.GetAsync($"/api/v1/payments/{payment.PaymentNo}")).ReadAsync<PaymentCreated>();
        // WeChat Pay accepts the refund (PROCESSING); its REFUND.SUCCESS notification is lost (notifications are off).
        Assert.Equal("Refunding", queried.Status);
        Assert.Equal(new DbState("Cancelled", 0, "Refunding", 0, 0, 0), await app.StateAsync(orderNo));

        await app.Service<PaymentWorker>().RunOnceAsync(CancellationToken.None);
        Assert.Equal("Refunding", (await app.StateAsync(orderNo)).Payments);

        await Dapper.SqlMapper.ExecuteAsync(db, "UPDATE payments SET updated_at = updated_at - INTERVAL 6 MINUTE WHERE payment_no = @No",
            new { No = payment.PaymentNo });
        await app.Service<PaymentWorker>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(new DbState("Cancelled", 0, "Refunded", 0, 0, 0), await app.StateAsync(orderNo));
    }
}
