using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Payments.CreatePayment;

public sealed class Endpoint(MySqlDataSource db, PaymentProviders providers, ShopPages pages, TimeProvider clock, ILogger<Endpoint> logger)
    : Endpoint<Request, Response>
{
    private const string LockOrder = """
        SELECT id AS Id, user_id AS UserId, status AS Status, total_cents AS TotalCents, expires_at AS ExpiresAt
        FROM orders WHERE order_no = @OrderNo FOR UPDATE
        """;

    private const string FindOpenPayment = """
        SELECT payment_no AS PaymentNo, amount_cents AS AmountCents, prepay AS Prepay FROM payments
        WHERE order_id = @OrderId AND provider = @Provider AND channel = @Channel AND status = 'Pending'
        ORDER BY id DESC LIMIT 1
        """;

    private const string Insert = """
        INSERT INTO payments (payment_no, order_id, order_no, user_id, provider, channel, amount_cents, status, prepay, created_at, updated_at)
        VALUES (@PaymentNo, @OrderId, @OrderNo, @UserId, @Provider, @Channel, @AmountCents, 'Pending', @Prepay, @Now, @Now)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override void Configure()
    {
        Post("orders/{orderNo}/payments");
        Summary(s =>
        {
            s.Summary = "Start paying an order";
            s.Description = "Creates a payment at the provider for the order's total as stored (never an amount from the client). " +
                            "Pick the channel from where the shopper is: a desktop browser gets wechatpay/native (codeUrl, render " +
                            "as a QR code) or alipay/page (redirectUrl); a phone browser gets wechatpay/h5 (h5Url: append " +
                            "`&redirect_url=` and the URL-encoded order page, then send the browser there; the payer's address " +
                            "goes to WeChat as scene_info) or alipay/wap (redirectUrl); WeChat's in-app browser gets wechatpay/jsapi " +
                            "with the payer's openId (from the wechat-oauth endpoints) and answers the signed parameters for " +
                            "WeixinJSBridge.invoke('getBrandWCPayRequest', …). alipay/precreate answers codeUrl (a QR code for the " +
                            "Alipay app). Alipay page and wap come back to the order's own page ({Mall:PublicBaseUrl}/orders/{orderNo}). " +
                            "Repeating the call while that payment is still open returns it again (200).";
            s.RequestExamples.Add(new(new Request { OrderNo = "N2611250812000042", Provider = "wechatpay", Channel = "h5" }, "wechatpay h5 (phone browser)"));
            s.RequestExamples.Add(new(new Request { OrderNo = "N2611250812000042", Provider = "wechatpay", Channel = "jsapi", OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
                "wechatpay jsapi (inside WeChat)"));
            s.RequestExamples.Add(new(new Request { OrderNo = "N2611250812000042", Provider = "wechatpay", Channel = "native" }, "wechatpay native (desktop QR code)"));
            s.RequestExamples.Add(new(new Request { OrderNo = "N2611250812000042", Provider = "alipay", Channel = "wap" }, "alipay wap (phone browser)"));
            s.RequestExamples.Add(new(new Request { OrderNo = "N2611250812000042", Provider = "alipay", Channel = "page" }, "alipay page (desktop)"));
            s.ResponseExamples[201] = new Response("P261125081200123456789012", "N2611250812000042", "wechatpay", "h5", 12900, "Pending",
                null, null, null, "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2016121516420242444321ca0631331346&package=1405458241");
            s.Responses[201] = "Payment created.";
            s.Responses[200] = "The order's open payment with this provider and channel, unchanged.";
            s.Responses[400] = "Unknown provider/channel (payment.provider_invalid, payment.channel_invalid), provider not configured " +
                               "(payment.provider_not_configured), or missing openId for jsapi (payment.openid_required).";
            s.Responses[404] = "No such order, or it belongs to someone else.";
            s.Responses[409] = "The order is not awaiting payment (paid, cancelled or expired).";
            s.Responses[502] = "The payment provider refused or did not answer; try again.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(201).Produces<Response>(200).ProducesProblems(400, 404, 409, 502), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var provider = providers.Find(req.Provider);
        if (provider is null)
        {
            await Send.ResultAsync(Problem.Invalid("provider", $"The provider \"{req.Provider}\" is not configured on this shop.", "payment.provider_not_configured", new Dictionary<string, object?> { ["provider"] = req.Provider }));
            return;
        }
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The order row lock serialises concurrent "pay" clicks, so one order gets one open payment per channel.
        var order = await connection.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(LockOrder, new { req.OrderNo }, transaction, cancellationToken: ct));
        if (order is null || order.UserId != User.UserId())
        {
            await Send.ResultAsync(Problem.NotFound("The order", code: "order.not_found"));
            return;
        }
        if (order.Status != "PendingPayment" || order.ExpiresAt <= now.UtcDateTime)
        {
            await Send.ResultAsync(Problem.Conflict($"The order is {(order.Status == "PendingPayment" ? "expired" : order.Status)} and cannot be paid.",
                code: order.Status == "PendingPayment" ? "payment.order_expired" : "payment.order_not_payable"));
            return;
        }

        var open = await connection.QuerySingleOrDefaultAsync<OpenPayment>(new CommandDefinition(FindOpenPayment,
            new { OrderId = order.Id, req.Provider, req.Channel }, transaction, cancellationToken: ct));
        if (open is not null && open.AmountCents == order.TotalCents && open.Prepay is not null)
        {
            await transaction.CommitAsync(ct);
            await Send.OkAsync(ToResponse(open.PaymentNo, req, order.TotalCents, JsonSerializer.Deserialize<Prepay>(open.Prepay, Json)!), ct);
            return;
        }

        var paymentNo = NewPaymentNo(now);
        Prepay prepay;
        try
        {
            prepay = await provider.PrepayAsync(new PrepayRequest(paymentNo, order.TotalCents, $"Mall 订单 {req.OrderNo}", req.Channel, req.OpenId,
                new DateTimeOffset(DateTime.SpecifyKind(order.ExpiresAt, DateTimeKind.Utc)), pages.Order(req.OrderNo), pages.Pay(req.OrderNo),
                ClientIp()), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever the provider did (refused, timed out, answered something unparseable), the shopper can retry.
            logger.LogWarning(e, "Prepay for order {OrderNo} with {Provider} failed", req.OrderNo, req.Provider);
            await Send.ResultAsync(Problem.Of(StatusCodes.Status502BadGateway, "Payment provider unavailable",
                "The payment provider did not accept the payment. Try again in a moment.", code: "payment.provider_unavailable"));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            PaymentNo = paymentNo, OrderId = order.Id, req.OrderNo, order.UserId, req.Provider, req.Channel,
            AmountCents = order.TotalCents, Prepay = JsonSerializer.Serialize(prepay, Json), Now = now.UtcDateTime,
        }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        await Send.ResponseAsync(ToResponse(paymentNo, req, order.TotalCents, prepay), StatusCodes.Status201Created, ct);
    }

    private static Response ToResponse(string paymentNo, Request req, long amountCents, Prepay prepay) =>
        new(paymentNo, req.OrderNo, req.Provider, req.Channel, amountCents, "Pending", prepay.CodeUrl, prepay.Jsapi, prepay.RedirectUrl, prepay.H5Url);

    /// <summary>The address the forwarded-headers middleware resolved (only named proxies are believed), as WeChat writes it.</summary>
    private string? ClientIp()
    {
        var address = HttpContext.Connection.RemoteIpAddress;
        if (address is null) return null;
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    /// <summary>Time-sortable and unguessable; fits WeChat's out_trade_no rules ([0-9A-Za-z], at most 32).</summary>
    private static string NewPaymentNo(DateTimeOffset now) =>
        "P" + now.UtcDateTime.ToString("yyMMddHHmmss") + RandomNumberGenerator.GetString("0123456789", 12);

    private sealed record OrderRow(long Id, long UserId, string Status, long TotalCents, DateTime ExpiresAt);
    private sealed record OpenPayment(string PaymentNo, long AmountCents, string? Prepay);
}
