using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mall.Features.Payments.WeChatPay;
using Microsoft.AspNetCore.Http.Features;

namespace Mall.Features.Payments.Sandbox;

/// <summary>
/// The WeChat Pay API v3 gateway, imitated under /sandbox/wechatpay: the shop's real client talks to it
/// unchanged. Requests must carry a valid WECHATPAY2-SHA256-RSA2048 Authorization (checked over the request as
/// received); every answer is signed with the sandbox platform key, 204s included.
/// </summary>
public sealed class SandboxWeChatPay(SandboxContext sandbox, SandboxStore store, SandboxNotifier notifier, TimeProvider clock,
    PaymentsOptions options)
{
    public const string Prefix = "/sandbox/wechatpay";

    /// <summary>Handlers resolve the sandbox per request, so its keys are generated only when it is first used.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        static SandboxWeChatPay Of(HttpContext http) => http.RequestServices.GetRequiredService<SandboxWeChatPay>();
        var v3 = routes.MapGroup(Prefix + "/v3").ExcludeFromDescription();
        v3.MapPost("/pay/transactions/{channel:regex(^(native|jsapi|h5)$)}", (HttpContext http, string channel) => Of(http).Handle(http, body => Of(http).PrepayAsync(channel, body)));
        v3.MapGet("/pay/transactions/out-trade-no/{no}", (HttpContext http, string no) => Of(http).Handle(http, _ => Of(http).QueryAsync(no, http.Request.Query["mchid"])));
        v3.MapPost("/pay/transactions/out-trade-no/{no}/close", (HttpContext http, string no) => Of(http).Handle(http, _ => Of(http).CloseAsync(no)));
        v3.MapPost("/refund/domestic/refunds", (Func<HttpContext, Task<IResult>>)(http => Of(http).Handle(http, Of(http).RefundAsync)));
        routes.MapGet(Prefix + "/jsapi-cashier", (HttpContext http, string appId, string timeStamp, string nonceStr, string package, string paySign,
                string? @return) => Of(http).JsapiCashierAsync(appId, timeStamp, nonceStr, package, paySign, @return)).ExcludeFromDescription();
        routes.MapGet(Prefix + "/h5-cashier", (HttpContext http, string? prepay_id, string? package, string? redirect_url) =>
            Of(http).H5CashierAsync(prepay_id, package, redirect_url)).ExcludeFromDescription();
        routes.MapGet(Prefix + "/jsbridge.js", () => Results.Text(JsBridgeScript, "text/javascript; charset=utf-8")).ExcludeFromDescription();
    }

    private async Task<IResult> Handle(HttpContext http, Func<JsonNode?, Task<(int Status, JsonNode? Body)>> action)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var raw = buffer.ToArray();
        var failure = Authenticate(http, raw);
        if (failure is not null) return Signed(http, 401, new JsonObject { ["code"] = "SIGN_ERROR", ["message"] = failure });
        JsonNode? body;
        try { body = raw.Length == 0 ? null : JsonNode.Parse(raw); }
        catch (System.Text.Json.JsonException) { return Signed(http, 400, new JsonObject { ["code"] = "PARAM_ERROR", ["message"] = "body is not JSON" }); }
        var (status, answer) = await action(body);
        return Signed(http, status, answer);
    }

    private string? Authenticate(HttpContext http, byte[] raw)
    {
        var items = WeChatPayCrypto.ParseAuthorization(http.Request.Headers.Authorization.ToString());
        if (items is null) return "Authorization is missing or not WECHATPAY2-SHA256-RSA2048";
        if (!items.TryGetValue("mchid", out var mchId) || mchId != SandboxKeys.WeChatMchId) return "unknown mchid";
        if (!items.TryGetValue("serial_no", out var serial) || !string.Equals(serial, sandbox.Keys.MerchantSerialNo, StringComparison.OrdinalIgnoreCase))
            return "serial_no does not name the merchant certificate";
        if (!items.TryGetValue("timestamp", out var ts) || !long.TryParse(ts, out var seconds)
            || Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - seconds) >= 300)
            return "timestamp is missing or outside the 5-minute window";
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/')) target = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
        var message = $"{http.Request.Method}\n{target}\n{ts}\n{items.GetValueOrDefault("nonce_str")}\n{Encoding.UTF8.GetString(raw)}\n";
        return WeChatPayCrypto.Verify(sandbox.MerchantPublicKey, message, items.GetValueOrDefault("signature"))
            ? null
            : "signature does not verify; the sandbox rebuilt: " + message.Replace("\n", "\\n")[..Math.Min(message.Length, 120)];
    }

    /// <summary>Signs the exact bytes it sends, with the serial the client declared (public-key id or certificate).</summary>
    private IResult Signed(HttpContext http, int status, JsonNode? body)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body.ToJsonString());
        var declared = http.Request.Headers["Wechatpay-Serial"].ToString();
        var serial = string.Equals(declared, sandbox.Keys.PlatformSerialNo, StringComparison.OrdinalIgnoreCase)
            ? sandbox.Keys.PlatformSerialNo
            : sandbox.Keys.PublicKeyId;
        var headers = SignatureHeaders(bytes, serial);
        foreach (var (name, value) in headers) http.Response.Headers[name] = value;
        http.Response.Headers["Request-ID"] = Guid.NewGuid().ToString("N");
        return bytes.Length == 0 ? Results.StatusCode(status) : Results.Content(Encoding.UTF8.GetString(bytes), "application/json", Encoding.UTF8, status);
    }

    public Dictionary<string, string> SignatureHeaders(byte[] body, string serial, long? timestamp = null, string? nonce = null)
    {
        var ts = (timestamp ?? clock.GetUtcNow().ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        nonce ??= WeChatPayCrypto.Nonce();
        return new Dictionary<string, string>
        {
            ["Wechatpay-Timestamp"] = ts,
            ["Wechatpay-Nonce"] = nonce,
            ["Wechatpay-Serial"] = serial,
            ["Wechatpay-Signature"] = WeChatPayCrypto.Sign(sandbox.PlatformKey, WeChatPayCrypto.ResponseMessage(ts, nonce, body)),
            ["Wechatpay-Signature-Type"] = WeChatPayCrypto.AuthorizationScheme,
        };
    }

    /// <summary>The serial the merchant's configured verification mode expects on notifications.</summary>
    public string NotificationSerial => options.WeChatPay.VerifyMode == WeChatPayVerifyModes.Certificate
        ? sandbox.Keys.PlatformSerialNo
        : sandbox.Keys.PublicKeyId;

    private async Task<(int, JsonNode?)> PrepayAsync(string channel, JsonNode? body)
    {
        var outTradeNo = body?["out_trade_no"]?.GetValue<string>();
        var total = body?["amount"]?["total"]?.GetValue<long>() ?? 0;
        var notifyUrl = body?["notify_url"]?.GetValue<string>();
        var openId = body?["payer"]?["openid"]?.GetValue<string>();
        var clientIp = body?["scene_info"]?["payer_client_ip"]?.GetValue<string>();
        if (string.IsNullOrEmpty(outTradeNo) || total <= 0 || string.IsNullOrEmpty(notifyUrl) || notifyUrl.Contains('?')
            || body?["appid"]?.GetValue<string>() != SandboxKeys.WeChatAppId || body["mchid"]?.GetValue<string>() != SandboxKeys.WeChatMchId
            || (channel == "jsapi" && string.IsNullOrEmpty(openId)))
            return (400, Error("PARAM_ERROR", "appid, mchid, out_trade_no, amount.total, notify_url (no query string) and, for JSAPI, payer.openid are required"));
        if (channel == "h5" && (!System.Net.IPAddress.TryParse(clientIp, out _) || body["scene_info"]?["h5_info"]?["type"]?.GetValue<string>() is not { Length: > 0 }))
            return (400, Error("PARAM_ERROR", "H5 needs scene_info.payer_client_ip (the payer's IP address) and scene_info.h5_info.type"));
        var created = new SandboxTrade(Providers.WeChatPay, outTradeNo, channel, total, body["description"]?.GetValue<string>() ?? "",
            notifyUrl, SandboxKeys.WeChatAppId, SandboxKeys.WeChatMchId, SandboxTradeStates.Pending, SandboxStore.Token(), clock.GetUtcNow())
        {
            OpenId = openId,
            ClientIp = clientIp,
            PrepayId = "wx" + clock.GetUtcNow().ToString("ddHHmmss", CultureInfo.InvariantCulture) + SandboxStore.Token(),
        };
        var trade = await store.CreateOrGetAsync(created);
        if (trade.AmountCents != total) return (400, Error("INVALID_REQUEST", "out_trade_no was used with another amount"));
        if (trade.State == SandboxTradeStates.Paid) return (400, Error("ORDERPAID", "该订单已支付"));
        return channel switch
        {
            "jsapi" => (200, new JsonObject { ["prepay_id"] = trade.PrepayId }),
            // Real h5_urls are https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=…&package=…, to which the
            // merchant appends &redirect_url=; the sandbox's takes the same parameters.
            "h5" => (200, new JsonObject
            {
                ["h5_url"] = $"{sandbox.PublicBase}{Prefix}/h5-cashier?prepay_id={trade.PrepayId}&package={(uint)trade.CashierToken.GetHashCode()}",
            }),
            // Real code_urls are weixin://wxpay/bizpayurl?pr=…; the sandbox's opens its cashier page in any browser.
            _ => (200, new JsonObject { ["code_url"] = sandbox.CashierUrl(trade.CashierToken) }),
        };
    }

    private async Task<(int, JsonNode?)> QueryAsync(string outTradeNo, string? mchId)
    {
        if (mchId != SandboxKeys.WeChatMchId) return (400, Error("PARAM_ERROR", "mchid is required"));
        var trade = await store.FindAsync(Providers.WeChatPay, outTradeNo);
        return trade is null ? (404, Error("ORDER_NOT_EXIST", "订单不存在")) : (200, Transaction(trade));
    }

    private async Task<(int, JsonNode?)> CloseAsync(string outTradeNo)
    {
        var trade = await store.FindAsync(Providers.WeChatPay, outTradeNo);
        if (trade is null) return (404, Error("ORDER_NOT_EXIST", "订单不存在"));
        if (trade.State is SandboxTradeStates.Paid or SandboxTradeStates.Refunded) return (400, Error("ORDERPAID", "订单已支付"));
        await store.SaveAsync(trade with { State = SandboxTradeStates.Closed });
        return (204, null);
    }

    /// <summary>
    /// POST /v3/refund/domestic/refunds: partial refunds allowed (their sum never beyond the paid total), one refund
    /// per out_refund_no: asking again with the same number answers that refund (SUCCESS by then) and moves nothing.
    /// </summary>
    private async Task<(int, JsonNode?)> RefundAsync(JsonNode? body)
    {
        var outTradeNo = body?["out_trade_no"]?.GetValue<string>();
        var refundNo = body?["out_refund_no"]?.GetValue<string>();
        var refund = body?["amount"]?["refund"]?.GetValue<long>() ?? 0;
        var total = body?["amount"]?["total"]?.GetValue<long>() ?? 0;
        if (string.IsNullOrEmpty(refundNo) || refundNo.Length > 64 || refund <= 0)
            return (400, Error("PARAM_ERROR", "out_refund_no and amount.refund > 0 are required"));
        if (outTradeNo is null) return (404, Error("RESOURCE_NOT_EXISTS", "订单不存在"));
        using var _ = await SandboxStore.LockAsync(Providers.WeChatPay, outTradeNo);
        var trade = await store.FindAsync(Providers.WeChatPay, outTradeNo);
        if (trade is null) return (404, Error("RESOURCE_NOT_EXISTS", "订单不存在"));
        if (trade.State is not (SandboxTradeStates.Paid or SandboxTradeStates.Refunded))
            return (400, Error("INVALID_REQUEST", "only a paid trade can be refunded"));
        if (total != trade.AmountCents) return (400, Error("INVALID_REQUEST", "amount.total is not the trade's total"));
        if (trade.Refunds.TryGetValue(refundNo, out var existing))
        {
            if (existing.AmountCents != refund) return (400, Error("INVALID_REQUEST", "out_refund_no was used with another amount"));
            return (200, RefundAnswer(trade, refundNo, existing, "SUCCESS"));
        }
        if (trade.RefundedCents + refund > trade.AmountCents)
            return (400, Error("INVALID_REQUEST", "申请退款金额超过订单可退金额 / the refunds would exceed the paid total"));
        var created = new SandboxRefund("50" + SandboxStore.Token(), refund, clock.GetUtcNow());
        var refunds = new Dictionary<string, SandboxRefund>(trade.Refunds) { [refundNo] = created };
        trade = trade with
        {
            Refunds = refunds,
            State = refunds.Values.Sum(r => r.AmountCents) == trade.AmountCents ? SandboxTradeStates.Refunded : trade.State,
            RefundNo = refundNo,
            RefundId = created.RefundId,
        };
        await store.SaveAsync(trade);
        var notifyUrl = body?["notify_url"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(notifyUrl)) notifier.Send(RefundDelivery(trade, refundNo, created, notifyUrl));
        return (200, RefundAnswer(trade, refundNo, created, "PROCESSING"));
    }

    private JsonObject RefundAnswer(SandboxTrade trade, string refundNo, SandboxRefund refund, string status) => new()
    {
        ["refund_id"] = refund.RefundId, ["out_refund_no"] = refundNo, ["transaction_id"] = trade.TransactionId,
        ["out_trade_no"] = trade.OutTradeNo, ["channel"] = "ORIGINAL", ["user_received_account"] = "支付用户零钱", ["status"] = status,
        ["create_time"] = WeChatPayClient.Rfc3339(refund.CreatedAt), ["funds_account"] = "AVAILABLE",
        ["amount"] = new JsonObject
        {
            ["total"] = trade.AmountCents, ["refund"] = refund.AmountCents, ["payer_total"] = trade.AmountCents,
            ["payer_refund"] = refund.AmountCents, ["currency"] = "CNY",
        },
    };

    /// <summary>
    /// What WeixinJSBridge.invoke('getBrandWCPayRequest', …) does inside WeChat: checks paySign (RSA over
    /// appId\ntimeStamp\nnonceStr\npackage\n with the merchant key) and the signType, then shows the cashier; after paying,
    /// the browser goes back to <paramref name="returnUrl"/> (the page that invoked it).
    /// </summary>
    private async Task<IResult> JsapiCashierAsync(string appId, string timeStamp, string nonceStr, string package, string paySign, string? returnUrl)
    {
        if (appId != SandboxKeys.WeChatAppId
            || !WeChatPayCrypto.Verify(sandbox.MerchantPublicKey, WeChatPayCrypto.PaySignMessage(appId, timeStamp, nonceStr, package), paySign))
            return Results.Text("paySign does not verify / 签名错误", "text/plain; charset=utf-8", statusCode: 400);
        var prepayId = package.StartsWith("prepay_id=", StringComparison.Ordinal) ? package[10..] : "";
        return await CashierFor(prepayId, returnUrl);
    }

    /// <summary>The H5 page WeChat opens in a phone browser (h5_url plus the merchant's redirect_url).</summary>
    private Task<IResult> H5CashierAsync(string? prepayId, string? package, string? redirectUrl) =>
        string.IsNullOrEmpty(prepayId) || string.IsNullOrEmpty(package)
            ? Task.FromResult(Results.Text("缺少参数 / prepay_id and package are required", "text/plain; charset=utf-8", statusCode: 400))
            : CashierFor(prepayId, redirectUrl);

    private async Task<IResult> CashierFor(string prepayId, string? returnUrl)
    {
        var token = await store.FindTokenByPrepayAsync(prepayId);
        if (token is null) return Results.NotFound();
        if (SandboxContext.IsReturnUrl(returnUrl) && await store.FindByTokenAsync(token) is { State: SandboxTradeStates.Pending } trade)
            await store.SaveAsync(trade with { ReturnUrl = returnUrl });
        return Results.Redirect(sandbox.CashierUrl(token));
    }

    /// <summary>
    /// WeChat's in-app browser provides window.WeixinJSBridge; a browser test injects this stand-in (as WeChat injects
    /// its own) and its invoke opens the sandbox's JSAPI cashier, which comes back to the invoking page.
    /// </summary>
    public const string JsBridgeScript = """
        (function () {
          if (window.WeixinJSBridge) return;
          var script = document.currentScript && document.currentScript.src;
          var origin = script ? new URL(script).origin : location.origin;
          window.WeixinJSBridge = {
            invoke: function (name, params, callback) {
              if (name !== 'getBrandWCPayRequest') { if (callback) callback({ err_msg: name + ':fail' }); return; }
              var q = new URLSearchParams({ appId: params.appId, timeStamp: params.timeStamp, nonceStr: params.nonceStr,
                package: params['package'], signType: params.signType, paySign: params.paySign, 'return': location.href });
              location.assign(origin + '/sandbox/wechatpay/jsapi-cashier?' + q.toString());
            },
          };
          var ready = function () { document.dispatchEvent(new Event('WeixinJSBridgeReady')); };
          if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready); else ready();
        })();
        """;

    public JsonObject Transaction(SandboxTrade trade)
    {
        var json = new JsonObject
        {
            ["appid"] = trade.AppId, ["mchid"] = trade.MerchantId, ["out_trade_no"] = trade.OutTradeNo,
            ["trade_type"] = trade.Channel.ToUpperInvariant(),
            ["trade_state"] = trade.State switch
            {
                SandboxTradeStates.Paid => "SUCCESS", SandboxTradeStates.Closed => "CLOSED",
                SandboxTradeStates.Refunded => "REFUND", _ => "NOTPAY",
            },
            ["trade_state_desc"] = trade.State == SandboxTradeStates.Paid ? "支付成功" : "订单未支付",
            ["amount"] = new JsonObject { ["total"] = trade.AmountCents, ["payer_total"] = trade.AmountCents, ["currency"] = "CNY", ["payer_currency"] = "CNY" },
        };
        if (trade.TransactionId is not null)
        {
            json["transaction_id"] = trade.TransactionId;
            json["bank_type"] = "OTHERS";
            json["attach"] = "";
            json["success_time"] = WeChatPayClient.Rfc3339(trade.PaidAt!.Value);
            json["payer"] = new JsonObject { ["openid"] = trade.OpenId ?? "o_sandbox_buyer" };
        }
        return json;
    }

    public SandboxDelivery PaidDelivery(SandboxTrade trade) =>
        Delivery($"wechatpay:paid:{trade.OutTradeNo}", trade.NotifyUrl, "TRANSACTION.SUCCESS", "支付成功", "transaction", () => Transaction(trade));

    public SandboxDelivery RefundDelivery(SandboxTrade trade, string refundNo, SandboxRefund refund, string notifyUrl) =>
        Delivery($"wechatpay:refund:{refundNo}", notifyUrl, "REFUND.SUCCESS", "退款成功", "refund", () => RefundResource(trade, refundNo, refund));

    /// <summary>The plaintext of a REFUND.SUCCESS notification's resource.</summary>
    public JsonObject RefundResource(SandboxTrade trade, string refundNo, SandboxRefund refund) => new()
    {
        ["mchid"] = trade.MerchantId, ["transaction_id"] = trade.TransactionId, ["out_trade_no"] = trade.OutTradeNo,
        ["refund_id"] = refund.RefundId, ["out_refund_no"] = refundNo, ["refund_status"] = "SUCCESS",
        ["success_time"] = WeChatPayClient.Rfc3339(clock.GetUtcNow()), ["user_received_account"] = "支付用户零钱",
        ["amount"] = new JsonObject { ["total"] = trade.AmountCents, ["refund"] = refund.AmountCents, ["payer_total"] = trade.AmountCents, ["payer_refund"] = refund.AmountCents },
    };

    private SandboxDelivery Delivery(string id, string url, string eventType, string summary, string originalType, Func<JsonObject> resource) =>
        new(id, url, () => Notification(url, eventType, summary, originalType, resource()),
            (response, _) => response.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.NoContent);

    /// <summary>A complete signed, encrypted notification request (tests tamper with its parts).</summary>
    public HttpRequestMessage Notification(string url, string eventType, string summary, string originalType, JsonObject resource,
        string? serial = null, long? timestamp = null, string? nonce = null, Func<string, string>? tamper = null)
    {
        var gcmNonce = WeChatPayCrypto.Nonce(12);
        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["create_time"] = WeChatPayClient.Rfc3339(clock.GetUtcNow()),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = eventType,
            ["summary"] = summary,
            ["resource"] = new JsonObject
            {
                ["original_type"] = originalType,
                ["algorithm"] = "AEAD_AES_256_GCM",
                ["ciphertext"] = WeChatPayCrypto.Encrypt(sandbox.ApiV3Key, gcmNonce, originalType, Encoding.UTF8.GetBytes(resource.ToJsonString())),
                ["associated_data"] = originalType,
                ["nonce"] = gcmNonce,
            },
        };
        var body = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        var headers = SignatureHeaders(body, serial ?? NotificationSerial, timestamp, nonce);
        if (tamper is not null) body = Encoding.UTF8.GetBytes(tamper(Encoding.UTF8.GetString(body)));
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static JsonObject Error(string code, string message) => new() { ["code"] = code, ["message"] = message };
}
