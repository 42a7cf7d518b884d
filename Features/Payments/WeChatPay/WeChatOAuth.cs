using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace Mall.Features.Payments.WeChatPay;

/// <summary>
/// JSAPI needs the payer's openid under the shop's AppID. Inside WeChat the page is sent to WeChat's OAuth page
/// (snsapi_base: no consent screen), which comes back with a one-time code; the server trades the code for the
/// openid with the AppSecret (sns/oauth2/access_token). The state ties the code to the shopper who asked for it.
/// </summary>
public sealed class WeChatOAuth(IHttpClientFactory httpClients, WeChatPaySettings settings, IDatabase redis, ILogger<WeChatOAuth> logger)
{
    public const string HttpClientName = "wechat-oauth";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    public bool Configured => settings.AppSecret is not null;

    /// <summary>The authorize URL for <paramref name="redirectUri"/>, with a fresh state remembered for <paramref name="userId"/>.</summary>
    public async Task<(string Url, string State)> AuthorizeAsync(string redirectUri, long userId)
    {
        var state = RandomNumberGenerator.GetString("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 24);
        await redis.StringSetAsync(StateKey(state), userId, StateLifetime);
        return (AuthorizeUrl(settings.OAuthAuthorizeUrl, settings.AppId, redirectUri, state), state);
    }

    /// <summary>WeChat's documented shape: the parameters in this order, and the #wechat_redirect fragment.</summary>
    public static string AuthorizeUrl(string authorizeEndpoint, string appId, string redirectUri, string state) =>
        $"{authorizeEndpoint}?appid={Uri.EscapeDataString(appId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
        $"&response_type=code&scope=snsapi_base&state={Uri.EscapeDataString(state)}#wechat_redirect";

    /// <summary>True once for the shopper the state was issued to; a state is spent by its first use.</summary>
    public async Task<bool> ClaimStateAsync(string state, long userId)
    {
        var owner = await redis.StringGetDeleteAsync(StateKey(state));
        return owner.HasValue && (long)owner == userId;
    }

    /// <summary>The openid for a code; null when WeChat refuses the code (used, expired, or another app's).</summary>
    public async Task<string?> OpenIdAsync(string code, CancellationToken ct)
    {
        var url = $"{settings.OAuthApiBaseUrl}/sns/oauth2/access_token?appid={Uri.EscapeDataString(settings.AppId)}" +
                  $"&secret={Uri.EscapeDataString(settings.AppSecret ?? "")}&code={Uri.EscapeDataString(code)}&grant_type=authorization_code";
        JsonNode? answer;
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(url, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new PaymentProviderException($"WeChat OAuth answered HTTP {(int)response.StatusCode}.");
            answer = JsonNode.Parse(text);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            throw new PaymentProviderException("WeChat OAuth is unreachable or answered nonsense: " + e.Message, e);
        }
        // Errors come with HTTP 200 and an errcode (40029 invalid code, 40163 code been used, …).
        if (answer?["errcode"] is { } errcode && errcode.GetValue<long>() != 0)
        {
            logger.LogInformation("WeChat OAuth refused a code: {Code} {Message}", errcode.GetValue<long>(), answer["errmsg"]?.GetValue<string>());
            return null;
        }
        var openId = answer?["openid"]?.GetValue<string>();
        return string.IsNullOrEmpty(openId) ? throw new PaymentProviderException("WeChat OAuth answered without an openid.") : openId;
    }

    private static string StateKey(string state) => $"pay:oauth:{state}";
}
