using FastEndpoints;
using Mall.Features.Payments.WeChatPay;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Payments.ConfirmWeChatOAuth;

public sealed class Endpoint(IServiceProvider services, ILogger<Endpoint> logger) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("payments/wechat-oauth/openid");
        Summary(s =>
        {
            s.Summary = "Exchange WeChat's OAuth code for the payer's openid";
            s.Description = "The pay page, back from WeChat's OAuth redirect with ?code=…&state=…, sends both here. The state must be " +
                            "one this shopper got from POST /orders/{orderNo}/payments/wechat-oauth in the last 10 minutes (each is " +
                            "spent by its first use); the server asks WeChat (sns/oauth2/access_token, with the AppSecret) for the " +
                            "openid. Then create the payment with channel jsapi and this openId.";
            s.ExampleRequest = new Request { Code = "061Abc0w3NbmXX2pdF0w3b3hK40Abc0F", State = "Kq3r9XbT0aLmZ2Pw7cYdE1fH" };
            s.ResponseExamples[200] = new Response("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
            s.Responses[200] = "The payer's openid.";
            s.Responses[400] = "Missing code or state; the state is unknown, spent, expired or another shopper's (payment.oauth_state_invalid); " +
                               "WeChat refused the code (payment.oauth_code_invalid); JSAPI is not set up (payment.oauth_not_configured).";
            s.Responses[502] = "WeChat did not answer; start again (payment.provider_unavailable).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 502), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var oauth = services.GetService<WeChatOAuth>();
        if (oauth is not { Configured: true })
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status400BadRequest, "WeChat sign-in unavailable",
                "Paying inside WeChat is not set up on this shop; pay with a QR code or Alipay.", code: "payment.oauth_not_configured"));
            return;
        }
        // A code is bound to nobody; the state is what proves this shopper started this sign-in (no login CSRF).
        if (!await oauth.ClaimStateAsync(req.State, User.UserId()))
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status400BadRequest, "WeChat sign-in expired",
                "The WeChat sign-in for this payment expired or was started by someone else. Start paying again.", code: "payment.oauth_state_invalid"));
            return;
        }
        string? openId;
        try
        {
            openId = await oauth.OpenIdAsync(req.Code, ct);
        }
        catch (PaymentProviderException e)
        {
            logger.LogWarning(e, "WeChat OAuth code exchange failed");
            await Send.ResultAsync(Problem.Of(StatusCodes.Status502BadGateway, "Payment provider unavailable",
                "The payment provider did not accept the payment. Try again in a moment.", code: "payment.provider_unavailable"));
            return;
        }
        if (openId is null)
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status400BadRequest, "WeChat sign-in refused",
                "WeChat did not accept the sign-in code (used or expired). Start paying again.", code: "payment.oauth_code_invalid"));
            return;
        }
        await Send.OkAsync(new Response(openId), ct);
    }
}
