using Mall.Features.Payments.Sandbox;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Payments;

/// <summary>
/// The shop's database goes away (the proxy in front of the shared MariaDB is cut, the server itself stays up)
/// while the notification arrives: the shop answers 5xx, the sandbox retries on its schedule, and once the
/// database is back a retry settles the payment exactly once.
/// </summary>
public sealed class NotificationRetryTests(DbOutagePaymentsApp app) : IClassFixture<DbOutagePaymentsApp>
{
    [Theory]
    [InlineData("wechatpay", "native")]
    [InlineData("alipay", "page")]
    public async Task Notification_failing_while_the_database_is_down_is_retried_and_then_pays_the_order(string provider, string channel)
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 30_000);
        var payment = await app.PayAsync(shopper, orderNo, provider, channel);
        var delivery = app.Service<SandboxNotifier>().Log($"{provider}:paid:{payment.PaymentNo}");

        app.Proxy.Cut();
        try
        {
            await app.ConfirmAtSandboxAsync(payment.CodeUrl ?? payment.RedirectUrl!);
            await Http.EventuallyAsync(() => Task.FromResult(delivery.Attempts >= 2), TimeSpan.FromSeconds(20), "the sandbox retries");
            Assert.Equal(0, delivery.Acknowledged);
            Assert.Contains(provider == "wechatpay" ? "500" : "fail", delivery.LastFailure);
        }
        finally
        {
            app.Proxy.Restore();
        }

        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid", "a retry after the outage settles the payment");
        Assert.Equal(new DbState("Paid", 300, "Paid", 0, 1, 1), await app.StateAsync(orderNo));
        await Http.EventuallyAsync(() => Task.FromResult(delivery.Acknowledged == 1), because: "the retry is acknowledged");
    }
}
