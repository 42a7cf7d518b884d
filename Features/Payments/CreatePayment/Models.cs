using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Payments.CreatePayment;

/// <summary>The amount is never part of the request: it always comes from the order in the database.</summary>
public sealed class Request
{
    public string OrderNo { get; set; } = "";
    [ValuesOf(typeof(Providers))]
    public string Provider { get; set; } = "";
    [ValuesOf(typeof(Channels))]
    public string Channel { get; set; } = "";
    /// <summary>The payer's openid under the shop's AppID; required for WeChat Pay JSAPI only.</summary>
    public string? OpenId { get; set; }
}

/// <summary>
/// One of codeUrl (native, precreate), jsapi (jsapi), redirectUrl (alipay page and wap, returning to the order's page)
/// or h5Url (wechatpay h5: append <c>&amp;redirect_url=</c> and the URL-encoded order page) is set.
/// </summary>
public sealed record Response(string PaymentNo, string OrderNo, [ValuesOf(typeof(Providers))] string Provider,
    [ValuesOf(typeof(Channels))] string Channel, long AmountCents, [ValuesOf(typeof(PaymentStatus))] string Status,
    string? CodeUrl, JsapiParameters? Jsapi, string? RedirectUrl, string? H5Url);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.OrderNo).NotEmpty().MaximumLength(32);
        RuleFor(r => r.Provider).Must(p => p is Providers.WeChatPay or Providers.Alipay)
            .WithMessage("Provider must be \"wechatpay\" or \"alipay\".").WithErrorCode("payment.provider_invalid");
        RuleFor(r => r.Channel)
            .Must((r, c) => r.Provider == Providers.WeChatPay
                ? c is Channels.Native or Channels.Jsapi or Channels.H5
                : c is Channels.Page or Channels.Wap or Channels.Precreate)
            .When(r => r.Provider is Providers.WeChatPay or Providers.Alipay)
            .WithMessage("Channel must be \"native\", \"h5\" or \"jsapi\" for wechatpay, \"page\", \"wap\" or \"precreate\" for alipay.")
            .WithErrorCode("payment.channel_invalid");
        RuleFor(r => r.OpenId).NotEmpty().MaximumLength(128).When(r => r.Channel == Channels.Jsapi)
            .WithMessage("OpenId (the payer's openid) is required for the jsapi channel.").WithErrorCode("payment.openid_required");
    }
}
