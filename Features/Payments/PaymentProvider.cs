namespace Mall.Features.Payments;

public static class Providers
{
    public const string WeChatPay = "wechatpay";
    public const string Alipay = "alipay";
}

/// <summary>A payment attempt's state (payments.status).</summary>
public static class PaymentStatus
{
    public const string Pending = "Pending";
    public const string Paid = "Paid";
    public const string Closed = "Closed";
    /// <summary>Paid after its order was cancelled: the money goes back (automatic refund).</summary>
    public const string RefundPending = "RefundPending";
    public const string Refunding = "Refunding";
    public const string Refunded = "Refunded";
}

public static class Channels
{
    /// <summary>WeChat Pay Native: a code_url rendered as a QR code.</summary>
    public const string Native = "native";
    /// <summary>WeChat Pay JSAPI: prepay_id plus the signed parameters for WeixinJSBridge.</summary>
    public const string Jsapi = "jsapi";
    /// <summary>Alipay alipay.trade.page.pay: the browser is redirected to the cashier.</summary>
    public const string Page = "page";
    /// <summary>Alipay alipay.trade.precreate: a QR code the buyer scans.</summary>
    public const string Precreate = "precreate";
    /// <summary>WeChat Pay H5 (/v3/pay/transactions/h5): a phone browser outside WeChat opens h5_url, which hands over to the WeChat app.</summary>
    public const string H5 = "h5";
    /// <summary>Alipay alipay.trade.wap.pay: a phone browser is sent to Alipay's mobile cashier (or the Alipay app).</summary>
    public const string Wap = "wap";
}

/// <summary>
/// <paramref name="ReturnUrl"/> is the order's own page (where a browser that left for the provider comes back),
/// <paramref name="QuitUrl"/> the pay page (Alipay WAP's "give up" link), <paramref name="ClientIp"/> the payer's
/// address as the host resolved it from the trusted proxies (WeChat H5's scene_info).
/// </summary>
public sealed record PrepayRequest(string PaymentNo, long AmountCents, string Description, string Channel, string? OpenId,
    DateTimeOffset ExpiresAt, string? ReturnUrl = null, string? QuitUrl = null, string? ClientIp = null);

public sealed record JsapiParameters(string AppId, string TimeStamp, string NonceStr, string Package, string SignType, string PaySign);

/// <summary>What the shopper needs to pay: exactly one of them is set.</summary>
public sealed record Prepay(string? CodeUrl, JsapiParameters? Jsapi, string? RedirectUrl, string? H5Url = null);

/// <summary>The shop's own pages a payment sends the browser back to, built from Mall:PublicBaseUrl.</summary>
public sealed class ShopPages(string publicBase)
{
    public string PublicBase { get; } = publicBase.TrimEnd('/');
    /// <summary>Where every provider returns the browser: the order's own page.</summary>
    public string Order(string orderNo) => $"{PublicBase}/orders/{Uri.EscapeDataString(orderNo)}";
    /// <summary>The pay page: Alipay WAP's quit_url and the WeChat OAuth redirect_uri.</summary>
    public string Pay(string orderNo) => $"{PublicBase}/pay/{Uri.EscapeDataString(orderNo)}";
}

public enum TradeState { NotFound, Pending, Paid, Closed, Refunded }

public sealed record TradeStatus(TradeState State, string? ProviderTradeNo = null, long AmountCents = 0);

public enum RefundState { Succeeded, Processing }

/// <summary>
/// A refund of part or all of a paid trade. <paramref name="RefundNo"/> is the out_refund_no / out_request_no: the
/// provider refunds one number once, so every retry sends the same one. <paramref name="NotifyUrl"/> overrides where
/// WeChat Pay reports the refund's outcome (null: the payment notify URL).
/// </summary>
public sealed record RefundRequest(string PaymentNo, string RefundNo, long RefundCents, long TotalCents, string Reason, string? NotifyUrl = null);

/// <summary>
/// One payment provider. Notifications are not part of it: each provider's wire format is verified by its own
/// notify endpoint, which then hands a verified fact to <see cref="PaymentSettlement"/>.
/// </summary>
public interface IPaymentProvider
{
    string Name { get; }
    IReadOnlyList<string> Channels { get; }
    Task<Prepay> PrepayAsync(PrepayRequest request, CancellationToken ct);
    Task<TradeStatus> QueryAsync(string paymentNo, CancellationToken ct);
    /// <summary>Closes an unpaid trade; false when the provider says it is already paid.</summary>
    Task<bool> CloseAsync(string paymentNo, CancellationToken ct);
    /// <summary>Refunds in full; the same refund number on every retry, so the money moves at most once.</summary>
    Task<RefundState> RefundAsync(string paymentNo, string refundNo, long amountCents, CancellationToken ct) =>
        RefundAsync(new RefundRequest(paymentNo, refundNo, amountCents, amountCents, "订单已取消 / order cancelled"), ct);

    /// <summary>Refunds part or all of a paid trade; the same refund number on every retry.</summary>
    Task<RefundState> RefundAsync(RefundRequest request, CancellationToken ct);
}

/// <summary>The provider answered with an error, an unverifiable response, or not at all.</summary>
public sealed class PaymentProviderException(string message, Exception? inner = null) : Exception(message, inner);
