using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mall.Features.Payments;
using Mall.Features.Payments.Sandbox;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Payments;

/// <summary>
/// Forged, tampered, stale, replayed or mismatching notifications are refused with the answer each provider
/// expects (WeChat Pay: 4xx + {"code":"FAIL"}; Alipay: anything but "success"), and the database is untouched.
/// </summary>
public sealed class NotificationRejectionTests(PaymentsApp app) : IClassFixture<PaymentsApp>
{
    private const string WeChatNotifyUrl = "http://localhost/api/v1/payments/notify/wechatpay";
    private const string AlipayNotifyUrl = "http://localhost/api/v1/payments/notify/alipay";

    private async Task<(string OrderNo, SandboxTrade Trade)> PendingPaymentAsync(string provider, string channel)
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 12_900);
        var payment = await app.PayAsync(shopper, orderNo, provider, channel);
        var trade = (await app.Service<SandboxStore>().FindAsync(provider, payment.PaymentNo))!;
        // As the sandbox would have it once the buyer paid, without anyone telling the shop yet.
        return (orderNo, trade with { State = SandboxTradeStates.Paid, TransactionId = "4200000000202611250000000001", PaidAt = DateTimeOffset.UtcNow, Scanned = true });
    }

    public static TheoryData<string> WeChatForgeries => ["tampered body", "wrong serial", "stale timestamp", "signature probe", "wrong amount",
        "wrong mchid", "wrong appid", "unknown order", "missing signature"];

    [Theory]
    [MemberData(nameof(WeChatForgeries))]
    public async Task WeChat_notification_is_refused_and_changes_nothing(string forgery)
    {
        var (orderNo, trade) = await PendingPaymentAsync(Providers.WeChatPay, Channels.Native);
        var before = await app.StateAsync(orderNo);
        var wx = app.Service<SandboxWeChatPay>();
        var resource = wx.Transaction(trade);
        switch (forgery)
        {
            case "wrong amount": resource["amount"]!["total"] = 1; break;
            case "wrong mchid": resource["mchid"] = "1900009999"; break;
            case "wrong appid": resource["appid"] = "wx0someone0else01"; break;
            case "unknown order": resource["out_trade_no"] = "P000000000000000000000000"; break;
        }
        using var request = wx.Notification(WeChatNotifyUrl, "TRANSACTION.SUCCESS", "支付成功", "transaction", resource,
            serial: forgery == "wrong serial" ? "PUB_KEY_ID_0100000000000000000000000099999999" : null,
            timestamp: forgery == "stale timestamp" ? DateTimeOffset.UtcNow.AddMinutes(-5).AddSeconds(-1).ToUnixTimeSeconds() : null,
            tamper: forgery == "tampered body" ? body => body.Replace("\"TRANSACTION.SUCCESS\"", "\"TRANSACTION.SUCCESs\"") : null);
        if (forgery == "signature probe")
        {
            var signature = request.Headers.GetValues("Wechatpay-Signature").Single();
            request.Headers.Remove("Wechatpay-Signature");
            request.Headers.Add("Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + signature);
        }
        if (forgery == "missing signature") request.Headers.Remove("Wechatpay-Signature");

        var response = await app.CreateClient().SendAsync(request);
        var expected = forgery is "wrong amount" or "wrong mchid" or "wrong appid" or "unknown order" ? HttpStatusCode.BadRequest : HttpStatusCode.Unauthorized;
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("FAIL", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(before, await app.StateAsync(orderNo));
        Assert.Equal(new DbState("PendingPayment", 0, "Pending", 1, 0, 0), before);
    }

    [Fact]
    public async Task WeChat_notification_replayed_with_the_same_nonce_is_refused()
    {
        var (orderNo, trade) = await PendingPaymentAsync(Providers.WeChatPay, Channels.Native);
        var wx = app.Service<SandboxWeChatPay>();
        using var original = wx.Notification(WeChatNotifyUrl, "TRANSACTION.SUCCESS", "支付成功", "transaction", wx.Transaction(trade));
        var body = await original.Content!.ReadAsByteArrayAsync();
        HttpRequestMessage Copy()
        {
            var copy = new HttpRequestMessage(HttpMethod.Post, WeChatNotifyUrl) { Content = new ByteArrayContent(body) };
            copy.Content.Headers.ContentType = original.Content.Headers.ContentType;
            foreach (var header in original.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            return copy;
        }

        var first = await app.CreateClient().SendAsync(Copy());
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        var paid = await app.StateAsync(orderNo);
        Assert.Equal(new DbState("Paid", 129, "Paid", 0, 1, 1), paid);

        var replay = await app.CreateClient().SendAsync(Copy());
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("\"code\":\"FAIL\"", await replay.Content.ReadAsStringAsync());
        Assert.Equal(paid, await app.StateAsync(orderNo));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_payment_pay_the_order_exactly_once()
    {
        var (orderNo, trade) = await PendingPaymentAsync(Providers.WeChatPay, Channels.Native);
        var wx = app.Service<SandboxWeChatPay>();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            app.CreateClient().SendAsync(wx.Notification(WeChatNotifyUrl, "TRANSACTION.SUCCESS", "支付成功", "transaction", wx.Transaction(trade)))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(new DbState("Paid", 129, "Paid", 0, 1, 1), await app.StateAsync(orderNo));
    }

    public static TheoryData<string> AlipayForgeries => ["tampered after signing", "wrong app_id", "wrong seller_id", "wrong amount",
        "unknown order", "signed with another key"];

    [Theory]
    [MemberData(nameof(AlipayForgeries))]
    public async Task Alipay_notification_is_refused_and_changes_nothing(string forgery)
    {
        var (orderNo, trade) = await PendingPaymentAsync(Providers.Alipay, Channels.Precreate);
        var before = await app.StateAsync(orderNo);
        var alipay = app.Service<SandboxAlipay>();
        var parameters = alipay.NotificationParameters(trade, "2026112500222120005046880000000001");
        switch (forgery)
        {
            case "wrong app_id": parameters["app_id"] = "2021000000009999"; break;
            case "wrong seller_id": parameters["seller_id"] = "2088000000009999"; break;
            case "wrong amount": parameters["total_amount"] = "0.01"; break;
            case "unknown order": parameters["out_trade_no"] = "P000000000000000000000000"; break;
        }
        using var signed = alipay.Notification(AlipayNotifyUrl, parameters);
        if (forgery == "tampered after signing") parameters["total_amount"] = "0.01";
        if (forgery == "signed with another key")
        {
            using var other = System.Security.Cryptography.RSA.Create(2048);
            parameters["sign"] = Features.Payments.Alipay.AlipaySignature.Sign(other, Features.Payments.Alipay.AlipaySignature.NotificationContent(parameters!));
        }
        var response = await app.CreateClient().PostAsync(AlipayNotifyUrl, new FormUrlEncodedContent(parameters));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual("success", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.StateAsync(orderNo));
        Assert.Equal(new DbState("PendingPayment", 0, "Pending", 1, 0, 0), before);
    }

    [Fact]
    public async Task Alipay_notification_with_correct_signature_is_acknowledged_with_plain_success()
    {
        var (orderNo, trade) = await PendingPaymentAsync(Providers.Alipay, Channels.Precreate);
        var alipay = app.Service<SandboxAlipay>();
        var parameters = alipay.NotificationParameters(trade with { Description = "测试订单 A+B & 100% 好" }, "2026112500222120005046880000000002");
        using var request = alipay.Notification(AlipayNotifyUrl, parameters);
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal("success", await response.Content.ReadAsStringAsync());
        Assert.Equal(new DbState("Paid", 129, "Paid", 0, 1, 1), await app.StateAsync(orderNo));
    }

    [Fact]
    public async Task WeChat_sandbox_gateway_rejects_a_request_signed_with_the_wrong_key()
    {
        var client = app.CreateClient();
        var body = new JsonObject { ["mchid"] = SandboxKeys.WeChatMchId }.ToJsonString();
        using var wrongKey = System.Security.Cryptography.RSA.Create(2048);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var message = Features.Payments.WeChatPay.WeChatPayCrypto.RequestMessage("POST", "/sandbox/wechatpay/v3/pay/transactions/out-trade-no/P1/close", ts, "n0nce", body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sandbox/wechatpay/v3/pay/transactions/out-trade-no/P1/close")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", Features.Payments.WeChatPay.WeChatPayCrypto.AuthorizationValue(SandboxKeys.WeChatMchId,
            "n0nce", ts, app.Service<SandboxKeys>().MerchantSerialNo, Features.Payments.WeChatPay.WeChatPayCrypto.Sign(wrongKey, message)));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("SIGN_ERROR", await response.Content.ReadAsStringAsync());
    }
}
