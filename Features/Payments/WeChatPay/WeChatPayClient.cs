using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mall.Features.Payments.WeChatPay;

/// <summary>
/// WeChat Pay API v3 over the named HttpClient "wechatpay". Every request is signed over the exact bytes sent;
/// every 2xx response must carry a valid signature (an unsigned 2xx is treated as forged).
/// </summary>
public sealed class WeChatPayClient(IHttpClientFactory httpClients, WeChatPaySettings settings, TimeProvider clock,
    ILogger<WeChatPayClient> logger) : IPaymentProvider
{
    public const string HttpClientName = "wechatpay";
    private static readonly TimeZoneInfo China = TimeZoneInfo.CreateCustomTimeZone("CST", TimeSpan.FromHours(8), "CST", "CST");

    public string Name => Providers.WeChatPay;
    public IReadOnlyList<string> Channels { get; } = [Payments.Channels.Native, Payments.Channels.Jsapi, Payments.Channels.H5];

    public async Task<Prepay> PrepayAsync(PrepayRequest request, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["appid"] = settings.AppId,
            ["mchid"] = settings.MchId,
            ["description"] = request.Description,
            ["out_trade_no"] = request.PaymentNo,
            ["time_expire"] = Rfc3339(request.ExpiresAt),
            ["notify_url"] = settings.NotifyUrl,
            ["amount"] = new JsonObject { ["total"] = request.AmountCents, ["currency"] = "CNY" },
        };
        if (request.Channel == Payments.Channels.Jsapi)
        {
            body["payer"] = new JsonObject { ["openid"] = request.OpenId };
            var (_, json) = await SendAsync(HttpMethod.Post, "v3/pay/transactions/jsapi", body.ToJsonString(), ct);
            var prepayId = json!["prepay_id"]!.GetValue<string>();
            return new Prepay(null, JsapiParameters(prepayId), null);
        }
        if (request.Channel == Payments.Channels.H5)
        {
            // WeChat checks that the browser paying is the one that asked: the payer's address as we saw it.
            body["scene_info"] = new JsonObject
            {
                ["payer_client_ip"] = request.ClientIp ?? "127.0.0.1",
                ["h5_info"] = new JsonObject { ["type"] = "Wap" },
            };
            var (_, h5) = await SendAsync(HttpMethod.Post, "v3/pay/transactions/h5", body.ToJsonString(), ct);
            return new Prepay(null, null, null, h5!["h5_url"]!.GetValue<string>());
        }
        var (_, native) = await SendAsync(HttpMethod.Post, "v3/pay/transactions/native", body.ToJsonString(), ct);
        return new Prepay(native!["code_url"]!.GetValue<string>(), null, null);
    }

    /// <summary>The parameters WeixinJSBridge.getBrandWCPayRequest takes, signed with the merchant key.</summary>
    public JsapiParameters JsapiParameters(string prepayId)
    {
        var timeStamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WeChatPayCrypto.Nonce();
        var package = "prepay_id=" + prepayId;
        var paySign = WeChatPayCrypto.Sign(settings.MerchantKey, WeChatPayCrypto.PaySignMessage(settings.AppId, timeStamp, nonce, package));
        return new JsapiParameters(settings.AppId, timeStamp, nonce, package, "RSA", paySign);
    }

    public async Task<TradeStatus> QueryAsync(string paymentNo, CancellationToken ct)
    {
        var (status, json) = await SendAsync(HttpMethod.Get,
            $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(paymentNo)}?mchid={Uri.EscapeDataString(settings.MchId)}", null, ct,
            allowNotFound: true);
        if (status == HttpStatusCode.NotFound) return new TradeStatus(TradeState.NotFound);
        var state = json!["trade_state"]!.GetValue<string>();
        var total = json["amount"]?["total"]?.GetValue<long>() ?? 0;
        var transactionId = json["transaction_id"]?.GetValue<string>();
        if (json["mchid"]?.GetValue<string>() != settings.MchId || json["appid"]?.GetValue<string>() != settings.AppId)
            throw new PaymentProviderException("The query answer names another merchant or app.");
        return state switch
        {
            "SUCCESS" => new TradeStatus(TradeState.Paid, transactionId, total),
            "REFUND" => new TradeStatus(TradeState.Refunded, transactionId, total),
            "CLOSED" or "REVOKED" or "PAYERROR" => new TradeStatus(TradeState.Closed, transactionId, total),
            _ => new TradeStatus(TradeState.Pending, transactionId, total),
        };
    }

    public async Task<bool> CloseAsync(string paymentNo, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Post, $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(paymentNo)}/close",
                new JsonObject { ["mchid"] = settings.MchId }.ToJsonString(), ct, allowNotFound: true);
            return true;
        }
        catch (PaymentProviderException e) when (e.Message.Contains("ORDERPAID", StringComparison.Ordinal))
        {
            return false;
        }
    }

    public async Task<RefundState> RefundAsync(RefundRequest refund, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["out_trade_no"] = refund.PaymentNo,
            ["out_refund_no"] = refund.RefundNo,
            ["reason"] = refund.Reason,
            ["notify_url"] = refund.NotifyUrl ?? settings.NotifyUrl,
            ["amount"] = new JsonObject { ["refund"] = refund.RefundCents, ["total"] = refund.TotalCents, ["currency"] = "CNY" },
        };
        var (_, json) = await SendAsync(HttpMethod.Post, "v3/refund/domestic/refunds", body.ToJsonString(), ct);
        return json!["status"]?.GetValue<string>() == "SUCCESS" ? RefundState.Succeeded : RefundState.Processing;
    }

    private async Task<(HttpStatusCode Status, JsonNode? Json)> SendAsync(HttpMethod method, string relativeUrl, string? body,
        CancellationToken ct, bool allowNotFound = false)
    {
        var uri = new Uri(settings.BaseUrl, relativeUrl);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var nonce = WeChatPayCrypto.Nonce();
        var message = WeChatPayCrypto.RequestMessage(method.Method, uri.PathAndQuery, timestamp, nonce, body ?? "");
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("Authorization", WeChatPayCrypto.AuthorizationValue(settings.MchId, nonce, timestamp,
            settings.MerchantSerialNo, WeChatPayCrypto.Sign(settings.MerchantKey, message)));
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("Wechatpay-Serial", settings.ExpectedSerial);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        HttpResponseMessage response;
        byte[] raw;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            raw = await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (HttpRequestException e)
        {
            throw new PaymentProviderException("WeChat Pay is unreachable: " + e.Message, e);
        }
        using (response)
        {
            if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound) return (response.StatusCode, null);
            if (!response.IsSuccessStatusCode)
            {
                var text = Encoding.UTF8.GetString(raw);
                logger.LogWarning("WeChat Pay {Method} {Url} answered {Status}: {Body}", method, uri.AbsolutePath, (int)response.StatusCode, text);
                throw new PaymentProviderException($"WeChat Pay answered {(int)response.StatusCode}: {ErrorCode(text)}");
            }
            var headers = WeChatPaySignedHeaders.From(name => response.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null);
            var verdict = WeChatPayVerifier.Verify(settings.VerifyKeys, clock.GetUtcNow(), headers, raw);
            if (verdict != WeChatPayVerdict.Valid)
                throw new PaymentProviderException($"The WeChat Pay response failed verification ({verdict}).");
            return (response.StatusCode, raw.Length == 0 ? null : JsonNode.Parse(raw));
        }
    }

    private static string ErrorCode(string body)
    {
        try { return JsonNode.Parse(body)?["code"]?.GetValue<string>() ?? body; }
        catch (JsonException) { return body; }
    }

    public static string Rfc3339(DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time, China).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
