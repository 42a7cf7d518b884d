using Dapper;
using FastEndpoints;
using Mall.Features.Payments.WeChatPay;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Payments.CreateWeChatOAuth;

public sealed class Endpoint(MySqlDataSource db, ShopPages pages, IServiceProvider services) : Endpoint<Request, Response>
{
    private const string FindOrder = "SELECT user_id AS UserId, status AS Status FROM orders WHERE order_no = @OrderNo";

    public override void Configure()
    {
        Post("orders/{orderNo}/payments/wechat-oauth");
        Summary(s =>
        {
            s.Summary = "Start WeChat sign-in for a JSAPI payment";
            s.Description = "Inside WeChat's browser, JSAPI payments need the payer's openid. This answers WeChat's OAuth URL " +
                            "(snsapi_base, no consent screen) whose redirect_uri is this order's pay page " +
                            "({Mall:PublicBaseUrl}/pay/{orderNo}); WeChat sends the browser back there with ?code=…&state=…, " +
                            "which POST /payments/wechat-oauth/openid exchanges for the openid. The state is valid for 10 minutes, " +
                            "once, for this shopper only.";
            s.ExampleRequest = new Request { OrderNo = "N2611250812000042" };
            s.ResponseExamples[200] = new Response(
                "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxd678efh567hg6787&redirect_uri=https%3A%2F%2Fshop.example.com%2Fpay%2FN2611250812000042" +
                "&response_type=code&scope=snsapi_base&state=Kq3r9XbT0aLmZ2Pw7cYdE1fH#wechat_redirect", "Kq3r9XbT0aLmZ2Pw7cYdE1fH");
            s.Responses[200] = "Send the browser to authorizeUrl.";
            s.Responses[400] = "WeChat Pay JSAPI is not set up on this shop (payment.oauth_not_configured), or a bad order number.";
            s.Responses[404] = "No such order, or it belongs to someone else (order.not_found).";
            s.Responses[409] = "The order is not awaiting payment (payment.order_not_payable).";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // Registered only when WeChat Pay is (real credentials or the sandbox).
        var oauth = services.GetService<WeChatOAuth>();
        if (oauth is not { Configured: true })
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status400BadRequest, "WeChat sign-in unavailable",
                "Paying inside WeChat is not set up on this shop; pay with a QR code or Alipay.", code: "payment.oauth_not_configured"));
            return;
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var order = await connection.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(FindOrder, new { req.OrderNo }, cancellationToken: ct));
        if (order is null || order.UserId != User.UserId())
        {
            await Send.ResultAsync(Problem.NotFound("The order", code: "order.not_found"));
            return;
        }
        if (order.Status != "PendingPayment")
        {
            await Send.ResultAsync(Problem.Conflict($"The order is {order.Status} and cannot be paid.", code: "payment.order_not_payable"));
            return;
        }
        var (url, state) = await oauth.AuthorizeAsync(pages.Pay(req.OrderNo), order.UserId);
        await Send.OkAsync(new Response(url, state), ct);
    }

    private sealed record OrderRow(long UserId, string Status);
}
