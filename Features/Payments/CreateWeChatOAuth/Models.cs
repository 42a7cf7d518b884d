using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Payments.CreateWeChatOAuth;

public sealed class Request
{
    public string OrderNo { get; set; } = "";
}

/// <summary>
/// <paramref name="AuthorizeUrl"/>: send the browser there (inside WeChat); it comes back to the pay page with
/// <c>?code=…&amp;state=…</c>. <paramref name="State"/> is the same value, for the client to compare on the way back.
/// </summary>
public sealed record Response(string AuthorizeUrl, string State);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.OrderNo).NotEmpty().MaximumLength(32);
    }
}
