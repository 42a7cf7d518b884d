using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Mall.Features.Payments.Sandbox;

/// <summary>
/// WeChat's web OAuth, imitated under /sandbox/wechat: the authorize page (open.weixin.qq.com/connect/oauth2/authorize)
/// sends the browser straight back with a code, as snsapi_base does inside WeChat, and sns/oauth2/access_token
/// (api.weixin.qq.com) trades the code, once, for the sandbox buyer's openid. Errors are WeChat's: HTTP 200 with
/// errcode/errmsg.
/// </summary>
public sealed class SandboxWeChatOAuth(IDatabase redis)
{
    public const string Prefix = "/sandbox/wechat";
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    public static void Map(IEndpointRouteBuilder routes)
    {
        static SandboxWeChatOAuth Of(HttpContext http) => http.RequestServices.GetRequiredService<SandboxWeChatOAuth>();
        routes.MapGet(Prefix + "/connect/oauth2/authorize", (HttpContext http, string? appid, string? redirect_uri, string? response_type,
            string? scope, string? state) => Of(http).AuthorizeAsync(appid, redirect_uri, response_type, scope, state)).ExcludeFromDescription();
        routes.MapGet(Prefix + "/sns/oauth2/access_token", (HttpContext http, string? appid, string? secret, string? code, string? grant_type) =>
            Of(http).AccessTokenAsync(appid, secret, code, grant_type)).ExcludeFromDescription();
    }

    private async Task<IResult> AuthorizeAsync(string? appId, string? redirectUri, string? responseType, string? scope, string? state)
    {
        // WeChat shows its own error page for these; the sandbox says which parameter is wrong.
        if (appId != SandboxKeys.WeChatAppId) return Refused("appid is not the sandbox Official Account's (10003 redirect_uri / appid mismatch)");
        if (responseType != "code" || scope is not ("snsapi_base" or "snsapi_userinfo"))
            return Refused("response_type must be code and scope snsapi_base or snsapi_userinfo (10005)");
        if (!SandboxContext.IsReturnUrl(redirectUri)) return Refused("redirect_uri must be an absolute http(s) URL (10003)");
        var code = "0" + SandboxStore.Token() + "sbx";
        await redis.StringSetAsync($"sbx:oauth:{code}", SandboxKeys.BuyerOpenId, CodeLifetime);
        var separator = redirectUri!.Contains('?') ? '&' : '?';
        return Results.Redirect($"{redirectUri}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state ?? "")}");
    }

    private async Task<IResult> AccessTokenAsync(string? appId, string? secret, string? code, string? grantType)
    {
        if (appId != SandboxKeys.WeChatAppId || secret != SandboxKeys.WeChatAppSecret) return Error(40125, "invalid appsecret");
        if (grantType != "authorization_code") return Error(40002, "invalid grant_type");
        // A code works once, for five minutes.
        var openId = string.IsNullOrEmpty(code) ? RedisValue.Null : await redis.StringGetDeleteAsync($"sbx:oauth:{code}");
        if (openId.IsNullOrEmpty) return Error(40029, "invalid code");
        return Results.Json(new JsonObject
        {
            ["access_token"] = "sbx_" + SandboxStore.Token(),
            ["expires_in"] = 7200,
            ["refresh_token"] = "sbx_" + SandboxStore.Token(),
            ["openid"] = openId.ToString(),
            ["scope"] = "snsapi_base",
        });
    }

    private static IResult Refused(string why) => Results.Text("微信授权参数错误 / " + why, "text/plain; charset=utf-8", statusCode: 400);

    private static IResult Error(int code, string message) =>
        Results.Json(new JsonObject { ["errcode"] = code, ["errmsg"] = message });
}
