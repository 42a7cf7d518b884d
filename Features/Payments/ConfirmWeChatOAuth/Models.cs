using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Payments.ConfirmWeChatOAuth;

/// <summary>The two query parameters WeChat's OAuth redirect brought back.</summary>
public sealed class Request
{
    public string Code { get; set; } = "";
    public string State { get; set; } = "";
}

/// <summary>The payer's openid under the shop's AppID: send it as openId with channel jsapi.</summary>
public sealed record Response(string OpenId);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Code).NotEmpty().MaximumLength(128);
        RuleFor(r => r.State).NotEmpty().MaximumLength(64);
    }
}
