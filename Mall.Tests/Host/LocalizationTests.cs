using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mall.Tests.Host;

/// <summary>Problems are worded in Chinese by default and in English on request, by their code.</summary>
public sealed partial class LocalizationTests(MallApp app) : IClassFixture<MallApp>
{
    private static readonly string InfrastructureDir = Path.Combine(RepoRoot(), "Mall.Api", "Infrastructure");

    /// <summary>Sends with the given Accept-Language only (none: the client's English default is taken away too).</summary>
    private static async Task<JsonElement> SendAsync(HttpClient client, HttpRequestMessage request, string? language, HttpStatusCode status)
    {
        client.DefaultRequestHeaders.AcceptLanguage.Clear();
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return await (await client.SendAsync(request)).ShouldBeProblemAsync(status);
    }

    private static HttpRequestMessage OverLimit(long skuId) =>
        new(HttpMethod.Put, $"/api/v1/cart/items/{skuId}") { Content = JsonContent.Create(new { quantity = 99999 }) };

    [Fact]
    public async Task A_field_error_is_chinese_by_default_names_the_field_in_chinese_and_is_english_on_request()
    {
        var shopper = await app.FastShopperAsync();
        var sku = (await app.ProductAsync(stock: 5))[0].SkuId;

        var chinese = await SendAsync(shopper.Client, OverLimit(sku), null, HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", chinese.GetProperty("code").GetString());
        Assert.Equal("请求内容有误", chinese.GetProperty("title").GetString());
        var message = chinese.GetProperty("errors").GetProperty("quantity")[0].GetString()!;
        Assert.Contains("数量", message);
        Assert.DoesNotMatch("[A-Za-z]{4,}", message);

        var english = await SendAsync(shopper.Client, OverLimit(sku), "en-US,en;q=0.9", HttpStatusCode.BadRequest);
        Assert.Equal("One or more validation errors occurred.", english.GetProperty("title").GetString());
        Assert.Contains("between 1 and", english.GetProperty("errors").GetProperty("quantity")[0].GetString());
    }

    [Fact]
    public async Task The_frameworks_own_answers_are_worded_too()
    {
        var client = app.CreateClient();
        var missing = await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/api/v1/no-such-route"), "zh-CN", HttpStatusCode.NotFound);
        Assert.Equal("not_found", missing.GetProperty("code").GetString());
        Assert.Equal("未找到", missing.GetProperty("title").GetString());
        Assert.Equal("你要找的内容不存在。", missing.GetProperty("detail").GetString());

        var anonymous = await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/api/v1/cart"), "fr-FR", HttpStatusCode.Unauthorized);
        Assert.Equal("需要登录", anonymous.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_problem_with_arguments_fills_them_in_both_languages_and_sends_them()
    {
        var client = app.CreateClient();
        HttpRequestMessage Huge() => new(HttpMethod.Post, "/api/v1/auth/login") { Content = new ByteArrayContent(new byte[2 * 1024 * 1024]) };
        var chinese = await SendAsync(client, Huge(), "zh-CN", HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("request.too_large", chinese.GetProperty("code").GetString());
        var max = chinese.GetProperty("args").GetProperty("max").GetInt64();
        Assert.Equal($"请求内容不能超过 {max} 字节。", chinese.GetProperty("detail").GetString());
        var english = await SendAsync(client, Huge(), "en", HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal($"The request body may not exceed {max} bytes.", english.GetProperty("detail").GetString());
    }

    /// <summary>The messages shoppers met in English inside the Chinese app (issue 18), now by their codes.</summary>
    [Fact]
    public async Task A_slices_own_problems_and_field_rules_are_worded_by_their_codes()
    {
        var client = app.CreateClient();
        HttpRequestMessage BadLogin() => new(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = JsonContent.Create(new { account = $"nobody{Guid.NewGuid():N}@example.com", password = "wrong-password-1" }),
        };
        var login = await SendAsync(client, BadLogin(), "zh-CN", HttpStatusCode.Unauthorized);
        Assert.Equal("auth.bad_credentials", login.GetProperty("code").GetString());
        Assert.Equal("账号或密码错误。", login.GetProperty("detail").GetString());
        Assert.Equal("The account or password is incorrect.", (await SendAsync(client, BadLogin(), "en", HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());

        var shopper = await app.FastShopperAsync();
        HttpRequestMessage BadAddress() => new(HttpMethod.Post, "/api/v1/addresses")
        {
            Content = JsonContent.Create(new { receiver = "张\u0001三", phone = "12345", province = "上海市", city = "上海市", district = "浦东新区", detail = "世纪大道 1 号" }),
        };
        var chinese = (await SendAsync(shopper.Client, BadAddress(), null, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("手机号须为 11 位中国大陆手机号码。", chinese.GetProperty("phone")[0].GetString());
        Assert.Equal("收货人不能包含控制字符。", chinese.GetProperty("receiver")[0].GetString());
        var english = (await SendAsync(shopper.Client, BadAddress(), "en", HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("Phone must be an 11-digit mainland mobile number.", english.GetProperty("phone")[0].GetString());
        Assert.Equal("Receiver must not contain control characters.", english.GetProperty("receiver")[0].GetString());

        var sku = (await app.ProductAsync(stock: 2))[0].SkuId;
        var tooMany = await SendAsync(shopper.Client, new HttpRequestMessage(HttpMethod.Put, $"/api/v1/cart/items/{sku}")
            { Content = JsonContent.Create(new { quantity = 5 }) }, null, HttpStatusCode.Conflict);
        Assert.Equal("sku.insufficient_stock", tooMany.GetProperty("code").GetString());
        Assert.Equal("库存不足，仅剩 2 件。", tooMany.GetProperty("detail").GetString());
        Assert.Equal(2, tooMany.GetProperty("args").GetProperty("available").GetInt32());
    }

    [Fact]
    public void Every_code_the_code_names_has_a_title_and_detail_in_both_languages()
    {
        var english = Entries("ProblemTexts.resx");
        var chinese = Entries("ProblemTexts.zh-CN.resx");
        var texts = app.Services.GetRequiredService<ProblemTexts>();
        var codes = NamedCodes().Concat(english.Keys.Where(k => !k.Contains(':'))).Distinct().Order().ToList();
        Assert.NotEmpty(codes);
        var missing = new List<string>();
        foreach (var code in codes)
        {
            var statusImplied = Enumerable.Range(400, 200).Any(s => Problem.CodeOfStatus(s) == code);
            // A status-implied code keeps the slice's own English words; a named one has its own in both languages.
            foreach (var key in new[] { code, code + ":detail" })
            {
                if (!chinese.ContainsKey(key)) missing.Add($"zh-CN {key}");
                if (!statusImplied && !english.ContainsKey(key)) missing.Add($"en {key}");
            }
            foreach (var culture in new[] { LocalizationExtensions.Chinese, LocalizationExtensions.English })
            {
                using var _ = new UiCulture(culture);
                if (!statusImplied || culture.Equals(LocalizationExtensions.Chinese))
                    Assert.False(string.IsNullOrWhiteSpace(texts.Title(code)), $"{culture} {code}");
            }
        }
        Assert.True(missing.Count == 0, "Missing texts: " + string.Join(", ", missing));
        Assert.Empty(english.Keys.Except(chinese.Keys));
    }

    /// <summary>Every <c>code: "…"</c> a slice or the infrastructure names.</summary>
    private static IEnumerable<string> NamedCodes() =>
        new[] { "Features", Path.Combine("Mall.Api", "Infrastructure") }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(RepoRoot(), dir), "*.cs", SearchOption.AllDirectories))
            .SelectMany(file => CodeArgument().Matches(File.ReadAllText(file))
                .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value));

    [GeneratedRegex("""code:\s*"([a-z_]+(?:\.[a-z_]+)+)"|With(?:Error)?Code\("([a-z_.]+)"\)""")]
    private static partial Regex CodeArgument();

    private static Dictionary<string, string> Entries(string file) =>
        XDocument.Load(Path.Combine(InfrastructureDir, file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mall.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Mall.sln not found above the test binaries.");
    }

    private sealed class UiCulture : IDisposable
    {
        private readonly CultureInfo _previous = CultureInfo.CurrentUICulture;
        public UiCulture(CultureInfo culture) => CultureInfo.CurrentUICulture = culture;
        public void Dispose() => CultureInfo.CurrentUICulture = _previous;
    }
}
