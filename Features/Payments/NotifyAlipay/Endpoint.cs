using FastEndpoints;
using Mall.Features.Payments.Alipay;

namespace Mall.Features.Payments.NotifyAlipay;

/// <summary>
/// Alipay async notifications (payments-protocol.md §2.6): RSA2 over every received parameter but sign and
/// sign_type, values as decoded once by the form parser; then app_id, seller_id, status and amount. The plain
/// body "success" acknowledges; anything else makes Alipay send again.
/// </summary>
public sealed class Endpoint(PaymentSettlement settlement, ILogger<Endpoint> logger) : EndpointWithoutRequest
{
    public const string Acknowledgement = "success";

    public override void Configure()
    {
        Post("payments/notify/alipay");
        AllowAnonymous();
        AllowFormData(urlEncoded: true);
        Summary(s =>
        {
            s.Summary = "Alipay notification (called by Alipay)";
            s.Description = "trade_status_sync notifications (form-encoded, RSA2). Processed at most once in effect.";
            s.Responses[200] = "\"success\" (plain text): acknowledged, processed now or before.";
            s.Responses[400] = "\"fail\": signature, app_id, seller_id, payment or amount check failed.";
            s.Responses[500] = "\"fail\": could not be processed now; Alipay sends again.";
        });
        Description(d => d.Produces<string>(200, "text/plain").Produces<string>(400, "text/plain").Produces<string>(500, "text/plain"),
            clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var settings = TryResolve<AlipaySettings>();
        if (settings is null)
        {
            await ReplyAsync(404, "not configured");
            return;
        }
        // Alipay posts application/x-www-form-urlencoded; anything else (JSON, text, a broken form) is refused like a
        // bad signature, never left to throw.
        IFormCollection form;
        try
        {
            if (!HttpContext.Request.HasFormContentType) throw new InvalidDataException("not a form");
            form = await HttpContext.Request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            await RejectAsync("body");
            return;
        }
        var parameters = form.ToDictionary(f => f.Key, f => (string?)f.Value.ToString(), StringComparer.Ordinal);
        string? Get(string key) => parameters.GetValueOrDefault(key);

        if (Get("sign_type") != "RSA2" || !AlipaySignature.Verify(settings.AlipayKey, AlipaySignature.NotificationContent(parameters), Get("sign")))
        {
            await RejectAsync("signature");
            return;
        }
        if (Get("app_id") != settings.AppId)
        {
            await RejectAsync("app_id");
            return;
        }
        if (Get("seller_id") != settings.SellerId)
        {
            await RejectAsync("seller_id");
            return;
        }

        try
        {
            var outTradeNo = Get("out_trade_no") ?? "";
            if (!string.IsNullOrEmpty(Get("out_biz_no")) && !string.IsNullOrEmpty(Get("refund_fee")))
            {
                if (await settlement.ApplyRefundedAsync(Providers.Alipay, Get("out_biz_no")!, ct)) await ReplyAsync(200, Acknowledgement);
                else await RejectAsync("unknown refund");
                return;
            }
            if (Get("trade_status") is not ("TRADE_SUCCESS" or "TRADE_FINISHED"))
            {
                // WAIT_BUYER_PAY / TRADE_CLOSED carry no money for us: acknowledge so Alipay stops.
                await ReplyAsync(200, Acknowledgement);
                return;
            }
            if (AlipayClient.Cents(Get("total_amount")) is not { } cents)
            {
                await RejectAsync("total_amount");
                return;
            }
            switch (await settlement.ApplyPaidAsync(Providers.Alipay, outTradeNo, Get("trade_no"), cents, ct))
            {
                case SettleOutcome.UnknownPayment: await RejectAsync("unknown out_trade_no"); break;
                case SettleOutcome.AmountMismatch: await RejectAsync("total_amount mismatch"); break;
                default: await ReplyAsync(200, Acknowledgement); break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Alipay notification could not be processed; Alipay will send it again");
            PaymentMetrics.RejectedNotifications.WithLabels(Providers.Alipay, "processing").Inc();
            await ReplyAsync(500, "fail");
        }
    }

    private async Task RejectAsync(string reason)
    {
        PaymentMetrics.RejectedNotifications.WithLabels(Providers.Alipay, reason).Inc();
        logger.LogWarning("Alipay notification refused: {Reason}", reason);
        await ReplyAsync(400, "fail");
    }

    private Task ReplyAsync(int status, string text) =>
        Send.ResultAsync(Results.Text(text, "text/plain; charset=utf-8", statusCode: status));
}
