using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using Mall.Features.Payments;
using Mall.Features.Payments.Alipay;
using Mall.Features.Payments.Sandbox;
using Mall.Features.Payments.WeChatPay;
using Mall.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Mall.Tests.Payments;

/// <summary>
/// The sandbox with the shop's public address somewhere else than the sandbox (so return URLs visibly come from
/// Mall:PublicBaseUrl), and the WeChat OAuth client routed into the test server like the payment clients.
/// </summary>
public sealed class PhonePaymentsApp() : MallApp(TestHost.PaymentsSandbox, PhoneShop)
{
    public const string PublicBase = "https://m.shop.example.test";

    private static readonly TestHostOption PhoneShop = new()
    {
        Settings = new Dictionary<string, string?>
        {
            ["Mall:PublicBaseUrl"] = PublicBase,
            ["Payments:Sandbox:BaseUrl"] = "http://localhost",
        },
        Services = (app, services) =>
            services.AddHttpClient(WeChatOAuth.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => app.Server.CreateHandler()),
    };
}

/// <summary>
/// WeChat Pay H5 and JSAPI (with the OAuth code → openid step) and Alipay WAP and page, each through the sandbox's
/// real wire formats to a paid order, and each sending the browser back to the order's own page.
/// </summary>
public sealed partial class PhonePaymentTests(PhonePaymentsApp app) : IClassFixture<PhonePaymentsApp>
{
    private const string Base = PhonePaymentsApp.PublicBase;

    [Fact]
    public async Task WeChat_h5_sends_the_payers_address_returns_an_h5_url_and_comes_back_to_the_order_page()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 12_900);

        // The address the host resolved (from the trusted proxies) is what WeChat gets; an IPv4-mapped one as IPv4.
        var payment = await PayFromAsync(shopper, orderNo, "wechatpay", "h5", IPAddress.Parse("::ffff:203.0.113.7"));
        Assert.Equal((12_900L, "h5", "Pending"), (payment.AmountCents, payment.Channel, payment.Status));
        Assert.Null(payment.CodeUrl);
        Assert.Matches("^http://localhost/sandbox/wechatpay/h5-cashier\\?prepay_id=wx[0-9a-z]+&package=[0-9]+$", payment.H5Url);
        var trade = (await app.Service<SandboxStore>().FindAsync(Providers.WeChatPay, payment.PaymentNo))!;
        Assert.Equal(("203.0.113.7", "h5", 12_900L), (trade.ClientIp, trade.Channel, trade.AmountCents));

        // The client appends redirect_url (URL-encoded) to h5_url, as WeChat documents.
        var orderPage = $"{Base}/orders/{orderNo}";
        var cashier = await app.Anonymous().GetAsync(new Uri(payment.H5Url! + "&redirect_url=" + Uri.EscapeDataString(orderPage)).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, cashier.StatusCode);
        var result = await ConfirmAsync(cashier.Headers.Location!.ToString());

        // The notification was answered before the browser is sent back: the order is paid when it gets there.
        Assert.Equal("Paid", (await app.StateAsync(orderNo)).OrderStatus);
        Assert.Equal(orderPage, BackLink(result));
        Assert.Contains($"<meta http-equiv=\"refresh\" content=\"2;url={orderPage}\">", result);
        Assert.Equal(new DbState("Paid", 129, "Paid", 0, 1, 1), await app.StateAsync(orderNo));
    }

    [Fact]
    public async Task WeChat_jsapi_gets_the_openid_through_oauth_and_pays_with_a_verifiable_paySign()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 5_000);

        var oauth = await (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/payments/wechat-oauth", null)).ReadAsync<OAuthStarted>();
        var payPage = $"{Base}/pay/{orderNo}";
        Assert.Equal($"http://localhost/sandbox/wechat/connect/oauth2/authorize?appid={SandboxKeys.WeChatAppId}" +
                     $"&redirect_uri={Uri.EscapeDataString(payPage)}&response_type=code&scope=snsapi_base&state={oauth.State}#wechat_redirect",
            oauth.AuthorizeUrl);

        // WeChat's authorize page sends the browser back to the pay page with a code and the state.
        var authorized = await app.Anonymous().GetAsync(new Uri(oauth.AuthorizeUrl).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        var back = authorized.Headers.Location!;
        Assert.Equal(payPage, back.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(back.Query);
        Assert.Equal(oauth.State, query["state"]);

        // Another shopper cannot spend this shopper's state; the owner can, once.
        var stranger = await app.NewShopperAsync();
        var stolen = await stranger.Client.PostAsJsonAsync("/api/v1/payments/wechat-oauth/openid", new { code = query["code"], state = oauth.State });
        Assert.Equal("payment.oauth_state_invalid", (await stolen.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        var oauthAgain = await (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/payments/wechat-oauth", null)).ReadAsync<OAuthStarted>();
        var exchanged = await (await shopper.Client.PostAsJsonAsync("/api/v1/payments/wechat-oauth/openid",
            new { code = query["code"], state = oauthAgain.State })).ReadAsync<OpenIdAnswer>();
        Assert.Equal(SandboxKeys.BuyerOpenId, exchanged.OpenId);
        var replayed = await shopper.Client.PostAsJsonAsync("/api/v1/payments/wechat-oauth/openid", new { code = query["code"], state = oauthAgain.State });
        Assert.Equal("payment.oauth_state_invalid", (await replayed.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());

        var payment = await PayFromAsync(shopper, orderNo, "wechatpay", "jsapi", openId: exchanged.OpenId);
        var j = payment.Jsapi!;
        Assert.Equal(("RSA", SandboxKeys.WeChatAppId, $"prepay_id={(await app.Service<SandboxStore>().FindAsync(Providers.WeChatPay, payment.PaymentNo))!.PrepayId}"),
            (j.SignType, j.AppId, j.Package));
        Assert.Equal(SandboxKeys.BuyerOpenId, (await app.Service<SandboxStore>().FindAsync(Providers.WeChatPay, payment.PaymentNo))!.OpenId);
        // paySign is RSA-SHA256 over appId\ntimeStamp\nnonceStr\npackage\n with the merchant key.
        var merchantKey = app.Service<SandboxContext>().MerchantPublicKey;
        Assert.True(WeChatPayCrypto.Verify(merchantKey, $"{j.AppId}\n{j.TimeStamp}\n{j.NonceStr}\n{j.Package}\n", j.PaySign));
        Assert.InRange(long.Parse(j.TimeStamp), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);

        // The WeixinJSBridge stand-in opens the JSAPI cashier with the parameters and the invoking page to come back to.
        var bridge = await app.Anonymous().GetStringAsync("/sandbox/wechatpay/jsbridge.js");
        Assert.Contains("getBrandWCPayRequest", bridge);
        var cashier = await app.Anonymous().GetAsync($"/sandbox/wechatpay/jsapi-cashier?appId={j.AppId}&timeStamp={j.TimeStamp}&nonceStr={j.NonceStr}" +
            $"&package={Uri.EscapeDataString(j.Package)}&signType=RSA&paySign={Uri.EscapeDataString(j.PaySign)}&return={Uri.EscapeDataString(payPage)}");
        Assert.Equal(HttpStatusCode.Redirect, cashier.StatusCode);
        var result = await ConfirmAsync(cashier.Headers.Location!.ToString());
        Assert.Equal(payPage, BackLink(result));
        await app.EventuallyAsync(orderNo, s => s.OrderStatus == "Paid" && s.Points == 50, "the jsapi payment pays the order");
    }

    [Fact]
    public async Task A_refused_or_foreign_oauth_step_is_a_problem_not_an_openid()
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId);
        var oauth = await (await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/payments/wechat-oauth", null)).ReadAsync<OAuthStarted>();
        var badCode = await shopper.Client.PostAsJsonAsync("/api/v1/payments/wechat-oauth/openid", new { code = "0notacode", state = oauth.State });
        Assert.Equal("payment.oauth_code_invalid", (await badCode.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        var empty = await shopper.Client.PostAsJsonAsync("/api/v1/payments/wechat-oauth/openid", new { code = "", state = "" });
        await empty.ShouldBeValidationErrorAsync("code");
        await empty.ShouldBeValidationErrorAsync("state");

        var stranger = await app.NewShopperAsync();
        await (await stranger.Client.PostAsync($"/api/v1/orders/{orderNo}/payments/wechat-oauth", null)).ShouldBeNotFoundAsync("The order");
        await app.CancelOrderAsync(orderNo);
        var cancelled = await shopper.Client.PostAsync($"/api/v1/orders/{orderNo}/payments/wechat-oauth", null);
        Assert.Equal("payment.order_not_payable", (await cancelled.ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());

        // The sandbox's access_token answers like WeChat's: 200 with errcode for a bad secret or a spent code.
        var wrongSecret = await app.Anonymous().GetFromJsonAsync<JsonObject>(
            $"/sandbox/wechat/sns/oauth2/access_token?appid={SandboxKeys.WeChatAppId}&secret=nope&code=x&grant_type=authorization_code");
        Assert.Equal(40125, wrongSecret!["errcode"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("wap", "alipay.trade.wap.pay", "QUICK_WAP_WAY")]
    [InlineData("page", "alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY")]
    public async Task Alipay_wap_and_page_are_signed_redirects_that_return_to_the_order_page(string channel, string method, string productCode)
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId, totalCents: 8_888, quantity: 2);
        var payment = await PayFromAsync(shopper, orderNo, "alipay", channel);

        var url = new Uri(payment.RedirectUrl!);
        Assert.Equal("http://localhost/sandbox/alipay/gateway.do", url.GetLeftPart(UriPartial.Path));
        var form = HttpUtility.ParseQueryString(url.Query);
        var parameters = form.AllKeys.ToDictionary(k => k!, k => form[k]);
        Assert.Equal((method, "RSA2", "utf-8"), (parameters["method"], parameters["sign_type"], parameters["charset"]));
        Assert.Equal($"{Base}/orders/{orderNo}", parameters["return_url"]);
        Assert.Equal($"{Base}/api/v1/payments/notify/alipay", parameters["notify_url"]);
        // Signed with the app key over every parameter but sign (sign_type included), sorted, values raw.
        var appPublicKey = app.Service<SandboxContext>().AlipayAppPublicKey;
        Assert.True(AlipaySignature.Verify(appPublicKey, AlipaySignature.RequestContent(parameters), parameters["sign"]));
        var biz = JsonNode.Parse(parameters["biz_content"]!)!;
        Assert.Equal((productCode, "88.88", payment.PaymentNo), (biz["product_code"]!.GetValue<string>(), biz["total_amount"]!.GetValue<string>(),
            biz["out_trade_no"]!.GetValue<string>()));
        Assert.Equal(channel == "wap" ? $"{Base}/pay/{orderNo}" : null, biz["quit_url"]?.GetValue<string>());

        var cashier = await app.Anonymous().GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, cashier.StatusCode);
        var page = await app.Anonymous().GetStringAsync(cashier.Headers.Location!.PathAndQuery);
        Assert.Equal(channel == "wap", page.Contains("data-testid=\"sandbox-quit\""));
        var result = await ConfirmAsync(cashier.Headers.Location!.ToString());
        Assert.Equal("Paid", (await app.StateAsync(orderNo)).OrderStatus);

        // Back to the order page with Alipay's signed return parameters.
        var back = new Uri(BackLink(result));
        Assert.Equal($"{Base}/orders/{orderNo}", back.GetLeftPart(UriPartial.Path));
        var returned = HttpUtility.ParseQueryString(back.Query);
        var returnedParameters = returned.AllKeys.ToDictionary(k => k!, k => returned[k]);
        Assert.Equal((method + ".return", payment.PaymentNo, "88.88", SandboxKeys.AlipaySellerId),
            (returnedParameters["method"], returnedParameters["out_trade_no"], returnedParameters["total_amount"], returnedParameters["seller_id"]));
        Assert.True(AlipaySignature.Verify(app.Service<AlipaySettings>().AlipayKey, AlipaySignature.NotificationContent(returnedParameters),
            returnedParameters["sign"]));
        Assert.Equal(new DbState("Paid", 88, "Paid", 0, 2, 1), await app.StateAsync(orderNo));
    }

    [Theory]
    [InlineData("alipay", "h5")]
    [InlineData("alipay", "jsapi")]
    [InlineData("wechatpay", "wap")]
    [InlineData("wechatpay", "page")]
    [InlineData("wechatpay", "mweb")]
    public async Task A_channel_the_provider_does_not_have_is_refused_with_its_code(string provider, string channel)
    {
        var shopper = await app.NewShopperAsync();
        var orderNo = await app.NewOrderAsync(shopper.UserId);
        var response = await shopper.Client.PostAsJsonAsync($"/api/v1/orders/{orderNo}/payments", new { provider, channel });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        // payment.channel_invalid's text, naming the new channels.
        Assert.Equal("Channel must be \"native\", \"h5\" or \"jsapi\" for wechatpay, \"page\", \"wap\" or \"precreate\" for alipay.",
            problem.GetProperty("errors").GetProperty("channel")[0].GetString());
    }

    [Fact]
    public async Task The_sandbox_refuses_an_h5_order_without_the_payers_address()
    {
        // The shop's own client always sends scene_info; a bare request signed like it shows the sandbox checks it.
        var settings = app.Service<WeChatPaySettings>();
        var body = new JsonObject
        {
            ["appid"] = settings.AppId, ["mchid"] = settings.MchId, ["description"] = "x", ["out_trade_no"] = "P" + Guid.NewGuid().ToString("N")[..20],
            ["notify_url"] = settings.NotifyUrl, ["amount"] = new JsonObject { ["total"] = 100, ["currency"] = "CNY" },
        }.ToJsonString();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = WeChatPayCrypto.Nonce();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sandbox/wechatpay/v3/pay/transactions/h5")
            { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", WeChatPayCrypto.AuthorizationValue(settings.MchId, nonce, timestamp, settings.MerchantSerialNo,
            WeChatPayCrypto.Sign(settings.MerchantKey, WeChatPayCrypto.RequestMessage("POST", "/sandbox/wechatpay/v3/pay/transactions/h5", timestamp, nonce, body))));
        var response = await app.Anonymous().SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("scene_info.payer_client_ip", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates a payment as a request arriving from <paramref name="from"/> (what the forwarded-headers step leaves).</summary>
    private async Task<PhonePayment> PayFromAsync(Shopper shopper, string orderNo, string provider, string channel, IPAddress? from = null, string? openId = null)
    {
        var json = JsonSerializer.Serialize(new { provider, channel, openId });
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = $"/api/v1/orders/{orderNo}/payments";
            c.Request.Headers.Authorization = "Bearer " + shopper.AccessToken;
            c.Request.Headers.AcceptLanguage = "en";
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
            c.Connection.RemoteIpAddress = from ?? IPAddress.Loopback;
        });
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.True(context.Response.StatusCode == 201, $"{context.Response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<PhonePayment>(text, Http.Json)!;
    }

    /// <summary>Opens the cashier page, clicks confirm, and returns the result page.</summary>
    private async Task<string> ConfirmAsync(string cashierUrl)
    {
        var client = app.Anonymous();
        var html = await client.GetStringAsync(new Uri(cashierUrl).PathAndQuery);
        var action = FormAction().Match(html).Groups[1].Value;
        var confirmed = await client.PostAsync(action, null);
        var result = await confirmed.Content.ReadAsStringAsync();
        Assert.Contains("支付成功 / Payment successful", result);
        return result;
    }

    private static string BackLink(string html) => WebUtility.HtmlDecode(BackHref().Match(html).Groups[1].Value);

    [GeneratedRegex("action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("data-testid=\"sandbox-back\" href=\"([^\"]+)\"")]
    private static partial Regex BackHref();

    private sealed record OAuthStarted(string AuthorizeUrl, string State);
    private sealed record OpenIdAnswer(string OpenId);
    private sealed record PhonePayment(string PaymentNo, string OrderNo, string Provider, string Channel, long AmountCents, string Status,
        string? CodeUrl, JsapiParameters? Jsapi, string? RedirectUrl, string? H5Url);
}
