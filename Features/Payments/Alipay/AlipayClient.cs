using System.Globalization;
using System.Text.Json.Nodes;

namespace Mall.Features.Payments.Alipay;

/// <summary>
/// Alipay Open Platform (RSA2, key mode) over the named HttpClient "alipay". Signed requests, responses verified
/// over the raw node text with the Alipay public key.
/// </summary>
public sealed class AlipayClient(IHttpClientFactory httpClients, AlipaySettings settings, TimeProvider clock,
    ILogger<AlipayClient> logger) : IPaymentProvider
{
    public const string HttpClientName = "alipay";
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public string Name => Providers.Alipay;
    public IReadOnlyList<string> Channels { get; } = [Payments.Channels.Page, Payments.Channels.Wap, Payments.Channels.Precreate];

    public async Task<Prepay> PrepayAsync(PrepayRequest request, CancellationToken ct)
    {
        var biz = new JsonObject
        {
            ["out_trade_no"] = request.PaymentNo,
            ["total_amount"] = Yuan(request.AmountCents),
            ["subject"] = request.Description,
            ["time_expire"] = request.ExpiresAt.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
        if (request.Channel == Payments.Channels.Page)
        {
            biz["product_code"] = "FAST_INSTANT_TRADE_PAY";
            return new Prepay(null, null, CashierUrl("alipay.trade.page.pay", biz.ToJsonString(), request.ReturnUrl));
        }
        if (request.Channel == Payments.Channels.Wap)
        {
            biz["product_code"] = "QUICK_WAP_WAY";
            // Where the mobile cashier's "give up" leads: back to choosing how to pay.
            if (request.QuitUrl is not null) biz["quit_url"] = request.QuitUrl;
            return new Prepay(null, null, CashierUrl("alipay.trade.wap.pay", biz.ToJsonString(), request.ReturnUrl));
        }
        var node = await ExecuteAsync("alipay.trade.precreate", biz.ToJsonString(), ct);
        if (node["code"]?.GetValue<string>() != "10000") throw Failure("alipay.trade.precreate", node);
        return new Prepay(node["qr_code"]!.GetValue<string>(), null, null);
    }

    /// <summary>
    /// alipay.trade.page.pay and alipay.trade.wap.pay make no server call: the browser GETs the gateway with every
    /// signed parameter, pays there, and is sent back to return_url (the order's page; UX only, never proof).
    /// </summary>
    public string CashierUrl(string method, string bizContent, string? returnUrl)
    {
        var parameters = PublicParameters(method);
        parameters["biz_content"] = bizContent;
        if (!string.IsNullOrEmpty(returnUrl)) parameters["return_url"] = returnUrl;
        parameters["sign"] = AlipaySignature.Sign(settings.AppKey, AlipaySignature.RequestContent(parameters!));
        return settings.GatewayUrl + "?" + string.Join('&', parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
    }

    public async Task<TradeStatus> QueryAsync(string paymentNo, CancellationToken ct)
    {
        var node = await ExecuteAsync("alipay.trade.query", new JsonObject { ["out_trade_no"] = paymentNo }.ToJsonString(), ct);
        if (node["sub_code"]?.GetValue<string>() == "ACQ.TRADE_NOT_EXIST") return new TradeStatus(TradeState.NotFound);
        if (node["code"]?.GetValue<string>() != "10000") throw Failure("alipay.trade.query", node);
        var tradeNo = node["trade_no"]?.GetValue<string>();
        var amount = Cents(node["total_amount"]?.GetValue<string>()) ?? 0;
        return node["trade_status"]?.GetValue<string>() switch
        {
            "TRADE_SUCCESS" or "TRADE_FINISHED" => new TradeStatus(TradeState.Paid, tradeNo, amount),
            "TRADE_CLOSED" => new TradeStatus(TradeState.Closed, tradeNo, amount),
            _ => new TradeStatus(TradeState.Pending, tradeNo, amount),
        };
    }

    public async Task<bool> CloseAsync(string paymentNo, CancellationToken ct)
    {
        var node = await ExecuteAsync("alipay.trade.close", new JsonObject { ["out_trade_no"] = paymentNo }.ToJsonString(), ct);
        var subCode = node["sub_code"]?.GetValue<string>();
        // A precreated trade nobody scanned does not exist at Alipay: nothing to close.
        if (node["code"]?.GetValue<string>() == "10000" || subCode == "ACQ.TRADE_NOT_EXIST") return true;
        if (subCode == "ACQ.TRADE_STATUS_ERROR") return false;
        throw Failure("alipay.trade.close", node);
    }

    /// <summary>alipay.trade.refund answers synchronously: a "10000" means the money went back (fund_change N on a retry).</summary>
    public async Task<RefundState> RefundAsync(RefundRequest refund, CancellationToken ct)
    {
        var biz = new JsonObject
        {
            ["out_trade_no"] = refund.PaymentNo,
            ["refund_amount"] = Yuan(refund.RefundCents),
            ["out_request_no"] = refund.RefundNo,
            ["refund_reason"] = refund.Reason,
        };
        var node = await ExecuteAsync("alipay.trade.refund", biz.ToJsonString(), ct);
        if (node["code"]?.GetValue<string>() != "10000") throw Failure("alipay.trade.refund", node);
        return RefundState.Succeeded;
    }

    private Dictionary<string, string> PublicParameters(string method) => new(StringComparer.Ordinal)
    {
        ["app_id"] = settings.AppId,
        ["method"] = method,
        ["format"] = "JSON",
        ["charset"] = "utf-8",
        ["sign_type"] = "RSA2",
        ["timestamp"] = clock.GetUtcNow().ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        ["version"] = "1.0",
        ["notify_url"] = settings.NotifyUrl,
    };

    /// <summary>Public parameters and the signature in the query string, biz_content as the form body (as the official SDK).</summary>
    private async Task<JsonNode> ExecuteAsync(string method, string bizContent, CancellationToken ct)
    {
        var parameters = PublicParameters(method);
        parameters["biz_content"] = bizContent;
        var sign = AlipaySignature.Sign(settings.AppKey, AlipaySignature.RequestContent(parameters!));
        var query = string.Join('&', parameters.Where(p => p.Key != "biz_content")
            .Append(new("sign", sign))
            .Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        using var content = new FormUrlEncodedContent([new("biz_content", bizContent)]);
        byte[] raw;
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(settings.GatewayUrl + "?" + query, content, ct);
            raw = await response.Content.ReadAsByteArrayAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new PaymentProviderException($"Alipay answered HTTP {(int)response.StatusCode} to {method}.");
        }
        catch (HttpRequestException e)
        {
            throw new PaymentProviderException("Alipay is unreachable: " + e.Message, e);
        }

        var nodeName = method.Replace('.', '_') + "_response";
        var (nodeText, signature) = AlipaySignature.ExtractResponse(raw, nodeName);
        if (nodeText is null) throw new PaymentProviderException($"Alipay's answer to {method} has no single {nodeName}.");
        var node = JsonNode.Parse(nodeText) ?? throw new PaymentProviderException("Empty Alipay response node.");
        // Error answers may come unsigned (e.g. a gateway-level error); successful ones must verify.
        var verified = signature is not null && (AlipaySignature.Verify(settings.AlipayKey, nodeText, signature)
                                                 || AlipaySignature.Verify(settings.AlipayKey, nodeText.Replace("\\/", "/"), signature));
        if (!verified && (node["code"]?.GetValue<string>() == "10000" || signature is not null))
            throw new PaymentProviderException($"Alipay's answer to {method} failed signature verification.");
        return node;
    }

    private PaymentProviderException Failure(string method, JsonNode node)
    {
        var detail = $"{node["code"]} {node["sub_code"]} {node["sub_msg"] ?? node["msg"]}";
        logger.LogWarning("Alipay {Method} failed: {Detail}", method, detail);
        return new PaymentProviderException($"Alipay {method} failed: {detail}");
    }

    public static string Yuan(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>"88.88" → 8888; anything that is not a whole number of fen is not an amount.</summary>
    public static long? Cents(string? yuan)
    {
        if (!decimal.TryParse(yuan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return null;
        var cents = value * 100m;
        return cents == decimal.Truncate(cents) ? (long)cents : null;
    }
}
