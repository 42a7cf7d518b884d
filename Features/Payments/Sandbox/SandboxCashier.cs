using System.Net;
using Mall.Features.Payments.Alipay;

namespace Mall.Features.Payments.Sandbox;

/// <summary>
/// The "confirm payment" page a shopper reaches from codeUrl / redirectUrl (or a browser test clicks): it stands
/// in for scanning the QR code in WeChat or paying in the Alipay cashier. Confirming marks the trade paid at
/// the fake provider and starts the signed notifications to the shop.
/// </summary>
public sealed class SandboxCashier(SandboxStore store, SandboxNotifier notifier, SandboxWeChatPay wechat, SandboxAlipay alipay,
    SandboxContext sandbox, TimeProvider clock)
{
    /// <summary>How long "confirm" waits for the shop to answer the first notification before showing the result.</summary>
    private static readonly TimeSpan NotificationWait = TimeSpan.FromSeconds(5);

    public const string ConfirmButtonId = "sandbox-confirm-pay";

    public static void Map(IEndpointRouteBuilder routes)
    {
        static SandboxCashier Of(HttpContext http) => http.RequestServices.GetRequiredService<SandboxCashier>();
        routes.MapGet("/sandbox/cashier/{token}", (HttpContext http, string token) => Of(http).ShowAsync(token)).ExcludeFromDescription();
        routes.MapPost("/sandbox/cashier/{token}/confirm", (HttpContext http, string token) => Of(http).ConfirmAsync(token))
            .ExcludeFromDescription().DisableAntiforgery();
    }

    private async Task<IResult> ShowAsync(string token)
    {
        var trade = await store.FindByTokenAsync(token);
        if (trade is null) return Page("未找到交易 / Trade not found", "<p>这个支付链接无效或已过期。<br>This payment link is unknown or expired.</p>", 404);
        if (!trade.Scanned)
        {
            trade = trade with { Scanned = true };
            await store.SaveAsync(trade);
        }
        if (trade.State != SandboxTradeStates.Pending) return Done(trade);
        var provider = trade.Provider == Providers.WeChatPay ? "微信支付 WeChat Pay" : "支付宝 Alipay";
        return Page($"{provider} · 沙箱收银台 / Sandbox cashier", $"""
            <p class="note">这是离线沙箱，不会产生真实扣款。<br>This is the offline sandbox: no real money moves.</p>
            <dl>
              <dt>商户 / Merchant</dt><dd>{Html(trade.MerchantId)}</dd>
              <dt>商品 / Item</dt><dd>{Html(trade.Description)}</dd>
              <dt>商户单号 / Merchant trade no.</dt><dd data-testid="sandbox-trade-no">{Html(trade.OutTradeNo)}</dd>
              <dt>金额 / Amount</dt><dd class="amount" data-testid="sandbox-amount">¥{AlipayClient.Yuan(trade.AmountCents)}</dd>
            </dl>
            <form method="post" action="/sandbox/cashier/{Html(token)}/confirm">
              <button id="{ConfirmButtonId}" data-testid="{ConfirmButtonId}" type="submit">确认支付 / Confirm payment</button>
            </form>
            {(trade.QuitUrl is null ? "" : $"""<p><a data-testid="sandbox-quit" href="{Html(trade.QuitUrl)}">放弃付款 / Give up</a></p>""")}
            """);
    }

    private async Task<IResult> ConfirmAsync(string token)
    {
        var trade = await store.FindByTokenAsync(token);
        if (trade is null) return Page("未找到交易 / Trade not found", "<p>这个支付链接无效或已过期。<br>This payment link is unknown or expired.</p>", 404);
        if (trade.State == SandboxTradeStates.Pending)
        {
            trade = trade with
            {
                State = SandboxTradeStates.Paid,
                Scanned = true,
                PaidAt = clock.GetUtcNow(),
                TransactionId = (trade.Provider == Providers.WeChatPay ? "4200" : "2026") + clock.GetUtcNow().ToString("yyyyMMdd") + SandboxStore.Token()[..14],
            };
            await store.SaveAsync(trade);
            var delivery = trade.Provider == Providers.WeChatPay ? wechat.PaidDelivery(trade) : alipay.NotificationDelivery(trade);
            notifier.Send(delivery);
            // The browser goes back to the shop next: give the notification its head start, as at the real providers.
            if (trade.ReturnUrl is not null) await notifier.FirstAttemptAsync(delivery.Id, NotificationWait);
        }
        return Done(trade);
    }

    private IResult Done(SandboxTrade trade)
    {
        var (title, text) = trade.State switch
        {
            SandboxTradeStates.Paid => ("支付成功 / Payment successful", "商户将收到支付通知。<br>The shop is being notified."),
            SandboxTradeStates.Closed => ("交易已关闭 / Trade closed", "这笔交易已关闭，无法支付。<br>This trade was closed and cannot be paid."),
            SandboxTradeStates.Refunded => ("已退款 / Refunded", "这笔交易已退款。<br>This trade was refunded."),
            _ => ("等待支付 / Awaiting payment", ""),
        };
        // Back where the shop asked (the order's page; Alipay adds its signed return parameters), or the shop's front page.
        var back = trade.ReturnUrl is null ? sandbox.PublicBase + "/"
            : trade.Provider == Providers.Alipay && trade.State == SandboxTradeStates.Paid ? alipay.ReturnUrl(trade)
            : trade.ReturnUrl;
        // Like the providers' result pages, a paid one returns to the shop by itself after a moment.
        var refresh = trade.ReturnUrl is not null && trade.State == SandboxTradeStates.Paid
            ? $"""<meta http-equiv="refresh" content="2;url={Html(back)}">""" : "";
        return Page(title, head: refresh, body: $"""
            <p data-testid="sandbox-result" data-state="{trade.State}">{text}</p>
            <p><a id="sandbox-back" data-testid="sandbox-back" href="{Html(back)}">返回商户 / Back to the shop</a></p>
            """);
    }

    private static string Html(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static IResult Page(string title, string body, int status = 200, string head = "") => Results.Content($$"""
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{{head}}
        <title>{{Html(title)}}</title>
        <style>
          body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 28rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
          h1 { font-size: 1.3rem; } .note { background: #fff7e0; padding: .6rem; border-radius: .4rem; font-size: .9rem; }
          dt { color: #666; font-size: .85rem; } dd { margin: 0 0 .6rem; } .amount { font-size: 1.6rem; font-weight: 600; }
          button { width: 100%; padding: .9rem; font-size: 1.1rem; color: #fff; background: #07c160; border: 0; border-radius: .4rem; cursor: pointer; }
        </style></head>
        <body><h1>{{Html(title)}}</h1>{{body}}</body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
