using System.Globalization;
using System.Text.Json.Nodes;
using Mall.Features.Payments.Alipay;

namespace Mall.Features.Payments.Sandbox;

/// <summary>
/// The Alipay Open Platform gateway, imitated at /sandbox/alipay/gateway.do (GET or POST, parameters from the
/// query and the form merged). Requests must be RSA2-signed with the app key; answers are
/// {"&lt;method&gt;_response":{…},"sign":"…"} signed over the exact node text.
/// </summary>
public sealed class SandboxAlipay(SandboxContext sandbox, SandboxStore store, SandboxNotifier notifier, TimeProvider clock)
{
    public const string GatewayPath = "/sandbox/alipay/gateway.do";
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapMethods(GatewayPath, ["GET", "POST"],
            (Func<HttpContext, Task<IResult>>)(http => http.RequestServices.GetRequiredService<SandboxAlipay>().GatewayAsync(http)))
            .ExcludeFromDescription().DisableAntiforgery();

    private async Task<IResult> GatewayAsync(HttpContext http)
    {
        var parameters = http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
        if (http.Request.HasFormContentType)
            foreach (var (key, value) in await http.Request.ReadFormAsync()) parameters[key] = value.ToString();
        var method = parameters.GetValueOrDefault("method") ?? "";
        var nodeName = method.Replace('.', '_') + "_response";

        if (parameters.GetValueOrDefault("app_id") != SandboxKeys.AlipayAppId)
            return Answer(nodeName, Error("40002", "isv.invalid-app-id", "无效的AppID参数"));
        if (parameters.GetValueOrDefault("sign_type") != "RSA2" || parameters.GetValueOrDefault("charset")?.ToLowerInvariant() != "utf-8"
            || !DateTime.TryParseExact(parameters.GetValueOrDefault("timestamp"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out _))
            return Answer(nodeName, Error("40002", "isv.invalid-parameter", "sign_type RSA2, charset utf-8 and timestamp yyyy-MM-dd HH:mm:ss are required"));
        if (!AlipaySignature.Verify(sandbox.AlipayAppPublicKey, AlipaySignature.RequestContent(parameters), parameters.GetValueOrDefault("sign")))
            return Answer(nodeName, Error("40002", "isv.invalid-signature", "验签出错"));

        JsonNode? biz;
        try { biz = JsonNode.Parse(parameters.GetValueOrDefault("biz_content") ?? "{}"); }
        catch (System.Text.Json.JsonException) { return Answer(nodeName, Error("40002", "isv.invalid-parameter", "biz_content is not JSON")); }
        var outTradeNo = biz?["out_trade_no"]?.GetValue<string>() ?? "";
        return method switch
        {
            "alipay.trade.page.pay" => await CashierPayAsync(parameters, biz!, outTradeNo, Channels.Page, "FAST_INSTANT_TRADE_PAY"),
            "alipay.trade.wap.pay" => await CashierPayAsync(parameters, biz!, outTradeNo, Channels.Wap, "QUICK_WAP_WAY"),
            "alipay.trade.precreate" => Answer(nodeName, await PrecreateAsync(parameters, biz!, outTradeNo)),
            "alipay.trade.query" => Answer(nodeName, await QueryAsync(outTradeNo)),
            "alipay.trade.close" => Answer(nodeName, await CloseAsync(outTradeNo)),
            "alipay.trade.refund" => Answer(nodeName, await RefundAsync(biz!, outTradeNo)),
            _ => Answer("error_response", Error("40002", "isv.invalid-method", "不存在的方法名")),
        };
    }

    private async Task<SandboxTrade?> CreateAsync(Dictionary<string, string?> parameters, JsonNode biz, string outTradeNo, string channel, bool scanned)
    {
        var cents = AlipayClient.Cents(biz["total_amount"]?.GetValue<string>());
        if (string.IsNullOrEmpty(outTradeNo) || cents is not > 0 || string.IsNullOrEmpty(parameters.GetValueOrDefault("notify_url"))) return null;
        return await store.CreateOrGetAsync(new SandboxTrade(Providers.Alipay, outTradeNo, channel, cents.Value,
            biz["subject"]?.GetValue<string>() ?? "", parameters["notify_url"]!, SandboxKeys.AlipayAppId, SandboxKeys.AlipaySellerId,
            SandboxTradeStates.Pending, SandboxStore.Token(), clock.GetUtcNow())
        {
            ReturnUrl = SandboxContext.IsReturnUrl(parameters.GetValueOrDefault("return_url")) ? parameters["return_url"] : null,
            QuitUrl = SandboxContext.IsReturnUrl(biz["quit_url"]?.GetValue<string>()) ? biz["quit_url"]!.GetValue<string>() : null,
            Scanned = scanned,
        });
    }

    /// <summary>page.pay and wap.pay: the browser arrives with the signed request and is shown the cashier.</summary>
    private async Task<IResult> CashierPayAsync(Dictionary<string, string?> parameters, JsonNode biz, string outTradeNo, string channel, string productCode)
    {
        if (biz["product_code"]?.GetValue<string>() != productCode)
            return Results.Text($"product_code must be {productCode} / 产品码错误", "text/plain; charset=utf-8", statusCode: 400);
        var trade = await CreateAsync(parameters, biz, outTradeNo, channel, scanned: true);
        return trade is null
            ? Results.Text("缺少必选参数 / missing out_trade_no, total_amount or notify_url", "text/plain; charset=utf-8", statusCode: 400)
            : Results.Redirect(sandbox.CashierUrl(trade.CashierToken));
    }

    /// <summary>
    /// The synchronous return after page or WAP pay: return_url plus Alipay's signed parameters (method
    /// alipay.trade.{page|wap}.pay.return). Signed like a notification (without sign and sign_type); they only
    /// tell the page where it is, the notification is the proof.
    /// </summary>
    public string ReturnUrl(SandboxTrade trade)
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["charset"] = "utf-8", ["out_trade_no"] = trade.OutTradeNo,
            ["method"] = $"alipay.trade.{(trade.Channel == Channels.Wap ? "wap" : "page")}.pay.return",
            ["total_amount"] = AlipayClient.Yuan(trade.AmountCents), ["trade_no"] = trade.TransactionId ?? "",
            ["auth_app_id"] = trade.AppId, ["version"] = "1.0", ["app_id"] = trade.AppId, ["seller_id"] = trade.MerchantId,
            ["timestamp"] = clock.GetUtcNow().ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
        p["sign"] = AlipaySignature.Sign(sandbox.AlipayKey, AlipaySignature.NotificationContent(p!));
        p["sign_type"] = "RSA2";
        var url = trade.ReturnUrl!;
        return url + (url.Contains('?') ? '&' : '?') + string.Join('&', p.Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value)));
    }

    private async Task<JsonObject> PrecreateAsync(Dictionary<string, string?> parameters, JsonNode biz, string outTradeNo)
    {
        var trade = await CreateAsync(parameters, biz, outTradeNo, Channels.Precreate, scanned: false);
        if (trade is null) return Error("40002", "isv.missing-parameter", "缺少必选参数");
        return Success(new JsonObject { ["out_trade_no"] = outTradeNo, ["qr_code"] = sandbox.CashierUrl(trade.CashierToken) });
    }

    private async Task<JsonObject> QueryAsync(string outTradeNo)
    {
        var trade = await store.FindAsync(Providers.Alipay, outTradeNo);
        if (trade is null || !trade.Scanned) return Error("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
        var node = Success(new JsonObject
        {
            ["out_trade_no"] = outTradeNo,
            ["trade_status"] = TradeStatus(trade),
            ["total_amount"] = AlipayClient.Yuan(trade.AmountCents),
            ["buyer_logon_id"] = "san***@sandbox.alipay",
        });
        if (trade.TransactionId is not null) node["trade_no"] = trade.TransactionId;
        return node;
    }

    private async Task<JsonObject> CloseAsync(string outTradeNo)
    {
        var trade = await store.FindAsync(Providers.Alipay, outTradeNo);
        if (trade is null || !trade.Scanned) return Error("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
        if (trade.State != SandboxTradeStates.Pending && trade.State != SandboxTradeStates.Closed)
            return Error("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
        await store.SaveAsync(trade with { State = SandboxTradeStates.Closed });
        return Success(new JsonObject { ["out_trade_no"] = outTradeNo });
    }

    /// <summary>
    /// alipay.trade.refund: out_request_no names one refund (defaulting to out_trade_no, a full refund, as at
    /// Alipay); asking again with it answers fund_change N and moves nothing. Partial refunds never exceed the total.
    /// </summary>
    private async Task<JsonObject> RefundAsync(JsonNode biz, string outTradeNo)
    {
        using var _ = await SandboxStore.LockAsync(Providers.Alipay, outTradeNo);
        var trade = await store.FindAsync(Providers.Alipay, outTradeNo);
        var refundNo = biz["out_request_no"]?.GetValue<string>() ?? outTradeNo;
        var cents = AlipayClient.Cents(biz["refund_amount"]?.GetValue<string>());
        if (trade is null) return Error("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
        if (cents is not > 0) return Error("40002", "isv.invalid-parameter", "refund_amount is required");
        if (trade.State is not (SandboxTradeStates.Paid or SandboxTradeStates.Refunded))
            return Error("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
        var first = !trade.Refunds.TryGetValue(refundNo, out var existing);
        if (!first && existing!.AmountCents != cents) return Error("40004", "ACQ.REASON_TRADE_REFUND_FEE_ERR", "退款金额与之前的请求不一致");
        if (first)
        {
            if (trade.RefundedCents + cents > trade.AmountCents) return Error("40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
            var refunds = new Dictionary<string, SandboxRefund>(trade.Refunds) { [refundNo] = new(SandboxStore.Token(), cents.Value, clock.GetUtcNow()) };
            trade = trade with
            {
                Refunds = refunds,
                State = refunds.Values.Sum(r => r.AmountCents) == trade.AmountCents ? SandboxTradeStates.Refunded : trade.State,
                RefundNo = refundNo,
            };
            await store.SaveAsync(trade);
            notifier.Send(NotificationDelivery(trade));
        }
        return Success(new JsonObject
        {
            ["trade_no"] = trade.TransactionId, ["out_trade_no"] = outTradeNo, ["buyer_logon_id"] = "san***@sandbox.alipay",
            ["fund_change"] = first ? "Y" : "N", ["refund_fee"] = AlipayClient.Yuan(trade.RefundedCents),
        });
    }

    private static string TradeStatus(SandboxTrade trade) => trade.State switch
    {
        SandboxTradeStates.Paid => "TRADE_SUCCESS",
        SandboxTradeStates.Closed or SandboxTradeStates.Refunded => "TRADE_CLOSED",
        _ => "WAIT_BUYER_PAY",
    };

    private IResult Answer(string nodeName, JsonObject node)
    {
        var nodeText = node.ToJsonString();
        var sign = AlipaySignature.Sign(sandbox.AlipayKey, nodeText);
        var body = $"{{\"{nodeName}\":{nodeText},\"sign\":\"{sign}\"}}";
        return Results.Text(body, "application/json; charset=utf-8");
    }

    private static JsonObject Success(JsonObject fields)
    {
        var node = new JsonObject { ["code"] = "10000", ["msg"] = "Success" };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            node[key] = value;
        }
        return node;
    }

    private static JsonObject Error(string code, string subCode, string subMessage) => new()
    {
        ["code"] = code,
        ["msg"] = code == "40004" ? "Business Failed" : "Invalid Arguments",
        ["sub_code"] = subCode,
        ["sub_msg"] = subMessage,
    };

    /// <summary>The async notification parameters for a trade's current state (payment, or full refund).</summary>
    public Dictionary<string, string> NotificationParameters(SandboxTrade trade, string notifyId)
    {
        var now = clock.GetUtcNow().ToOffset(ChinaOffset);
        string Time(DateTimeOffset t) => t.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["notify_time"] = Time(now), ["notify_type"] = "trade_status_sync", ["notify_id"] = notifyId,
            ["app_id"] = trade.AppId, ["auth_app_id"] = trade.AppId, ["charset"] = "utf-8", ["version"] = "1.0",
            ["trade_no"] = trade.TransactionId ?? "", ["out_trade_no"] = trade.OutTradeNo,
            ["buyer_id"] = "2088102177846880", ["buyer_logon_id"] = "san***@sandbox.alipay",
            ["seller_id"] = trade.MerchantId, ["seller_email"] = "seller@sandbox.alipay",
            ["trade_status"] = TradeStatus(trade), ["total_amount"] = AlipayClient.Yuan(trade.AmountCents),
            ["receipt_amount"] = AlipayClient.Yuan(trade.AmountCents), ["buyer_pay_amount"] = AlipayClient.Yuan(trade.AmountCents),
            ["invoice_amount"] = AlipayClient.Yuan(trade.AmountCents), ["point_amount"] = "0.00",
            ["subject"] = trade.Description, ["gmt_create"] = Time(trade.CreatedAt), ["gmt_payment"] = Time(trade.PaidAt ?? now),
            ["fund_bill_list"] = $"[{{\"amount\":\"{AlipayClient.Yuan(trade.AmountCents)}\",\"fundChannel\":\"ALIPAYACCOUNT\"}}]",
        };
        if (trade.RefundNo is not null)
        {
            // A refund's notification: out_biz_no names it, refund_fee is everything refunded so far; the trade
            // closes only when it is refunded in full.
            p["out_biz_no"] = trade.RefundNo;
            p["refund_fee"] = AlipayClient.Yuan(trade.RefundedCents);
            p["gmt_refund"] = Time(now);
            if (trade.State == SandboxTradeStates.Refunded) p["gmt_close"] = Time(now);
        }
        return p;
    }

    /// <summary>Signs (V1 content: without sign and sign_type) and form-encodes a notification.</summary>
    public HttpRequestMessage Notification(string url, Dictionary<string, string> parameters)
    {
        parameters["sign_type"] = "RSA2";
        parameters["sign"] = AlipaySignature.Sign(sandbox.AlipayKey, AlipaySignature.NotificationContent(parameters!));
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(parameters) };
    }

    public SandboxDelivery NotificationDelivery(SandboxTrade trade)
    {
        // The notify_id stays the same across resends of one notification, as Alipay's does.
        var notifyId = clock.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture) + SandboxStore.Token();
        var kind = trade.RefundNo is not null ? $"refund:{trade.RefundNo}" : "paid";
        return new SandboxDelivery($"alipay:{kind}:{trade.OutTradeNo}", trade.NotifyUrl,
            () => Notification(trade.NotifyUrl, NotificationParameters(trade, notifyId)),
            (response, body) => response.IsSuccessStatusCode && body == "success");
    }
}
