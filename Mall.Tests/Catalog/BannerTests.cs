using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Mall.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Mall.Tests.Catalog;

/// <summary>Home page banners: the console's CRUD (audited), the image upload, the shop's list and its window.</summary>
public sealed class BannerTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Banner(long Id, string Title, string Image, string TargetType, long TargetId, int Position,
        DateTime? StartsAt, DateTime? EndsAt, bool Enabled);
    private sealed record BannerList(Banner[] Items);
    private sealed record Shown(long Id, string Title, string Image, string TargetType, long TargetId);
    private sealed record ShownList(Shown[] Items);
    private sealed record Uploaded(string Url, string ContentType, int Width, int Height, long Bytes);

    private static DateTime Now => DateTime.UtcNow;

    private static byte[] Png(byte shade)
    {
        using var image = new Image<Rgba32>(30, 12, new Rgba32(shade, 40, 200));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] content, string contentType = "image/png")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", "banner.png");
        return client.PostAsync("/api/v1/admin/banners/images", form);
    }

    private async Task<ShownList> ShopListAsync() => await (await app.CreateClient().GetAsync("/api/v1/banners")).ReadAsync<ShownList>();

    private async Task<long> CategoryAsync()
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>("INSERT INTO categories (parent_id, name, sort_order) VALUES (NULL, '横幅', 0); SELECT LAST_INSERT_ID();");
    }

    [Fact]
    public async Task A_banner_made_in_the_console_shows_on_the_home_page_at_once_and_every_change_is_audited()
    {
        var admin = await app.AdminAsync();
        var category = await CategoryAsync();
        var product = (await app.ProductAsync(stock: 3))[0].ProductId;
        var image = await (await UploadAsync(admin.Client, Png(11))).ReadAsync<Uploaded>(HttpStatusCode.Created);
        Assert.Matches("^/media/products/banners/[0-9a-f]{32}\\.png$", image.Url);
        Assert.Equal((30, 12, "image/png"), (image.Width, image.Height, image.ContentType));
        var served = await app.CreateClient().GetAsync(image.Url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);

        var before = await ShopListAsync(); // cached now: the create must show regardless
        var created = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/banners", new
        {
            title = " 双十二 数码狂欢 ", image = image.Url, targetType = "category", targetId = category, position = 5,
            startsAt = Now.AddMinutes(-1), endsAt = Now.AddDays(1),
        })).ReadAsync<Banner>(HttpStatusCode.Created);
        Assert.Equal(("双十二 数码狂欢", "category", category, 5, true), (created.Title, created.TargetType, created.TargetId, created.Position, created.Enabled));
        Assert.DoesNotContain(before.Items, b => b.Id == created.Id);
        Assert.Contains(new Shown(created.Id, "双十二 数码狂欢", image.Url, "category", category), (await ShopListAsync()).Items);

        var second = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/banners", new
        {
            title = "爆款直降", image = image.Url, targetType = "product", targetId = product, position = 1,
        })).ReadAsync<Banner>(HttpStatusCode.Created);
        var order = (await ShopListAsync()).Items.Select(b => b.Id).Where(id => id == created.Id || id == second.Id);
        Assert.Equal([second.Id, created.Id], order);

        var disabled = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/banners/{created.Id}", new
        {
            title = "双十二", image = image.Url, targetType = "category", targetId = category, position = 5, enabled = false,
        })).ReadAsync<Banner>();
        Assert.Equal((false, "双十二", (DateTime?)null, (DateTime?)null), (disabled.Enabled, disabled.Title, disabled.StartsAt, disabled.EndsAt));
        Assert.DoesNotContain((await ShopListAsync()).Items, b => b.Id == created.Id);
        Assert.Contains((await (await admin.Client.GetAsync("/api/v1/admin/banners")).ReadAsync<BannerList>()).Items, b => b.Id == created.Id && !b.Enabled);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/v1/admin/banners/{second.Id}")).StatusCode);
        Assert.DoesNotContain((await ShopListAsync()).Items, b => b.Id == second.Id);
        await (await admin.Client.DeleteAsync($"/api/v1/admin/banners/{second.Id}")).ShouldBeNotFoundAsync("The banner");

        await using var db = await app.OpenDbAsync();
        var audit = (await db.QueryAsync<(string Action, long ActorId, string? Before, string? After)>(
            "SELECT action, actor_id, before_json, after_json FROM admin_audit WHERE entity = 'banner' AND entity_id IN @Ids ORDER BY id",
            new { Ids = new[] { created.Id.ToString(), second.Id.ToString() } })).ToList();
        Assert.Equal(["banner.create", "banner.create", "banner.update", "banner.delete"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(admin.UserId, a.ActorId));
        Assert.True(JsonDocument.Parse(audit[2].Before!).RootElement.GetProperty("enabled").GetBoolean());
        Assert.False(JsonDocument.Parse(audit[2].After!).RootElement.GetProperty("enabled").GetBoolean());
        Assert.Null(audit[3].After);
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, HttpRequestMessage request, string language, HttpStatusCode status)
    {
        client.DefaultRequestHeaders.AcceptLanguage.Clear();
        request.Headers.AcceptLanguage.ParseAdd(language);
        return await (await client.SendAsync(request)).ShouldBeProblemAsync(status);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_codes_worded_in_english_and_chinese()
    {
        var admin = await app.AdminAsync();
        var category = await CategoryAsync();
        object Body(string? title = "横幅", string image = "/media/products/phone-x5.svg", string targetType = "category", long? targetId = null,
            DateTime? startsAt = null, DateTime? endsAt = null) =>
            new { title, image, targetType, targetId = targetId ?? category, startsAt, endsAt };
        HttpRequestMessage Post(object body) => new(HttpMethod.Post, "/api/v1/admin/banners") { Content = JsonContent.Create(body) };

        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/banners", Body(title: ""))).ShouldBeValidationErrorAsync("title");
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/banners", Body(targetId: 0))).ShouldBeValidationErrorAsync("targetId");

        var image = await SendAsync(admin.Client, Post(Body(image: "https://evil.example/x.png")), "en", HttpStatusCode.BadRequest);
        Assert.Equal("The image is a site-local path such as /media/products/banners/….png.", image.GetProperty("errors").GetProperty("image")[0].GetString());
        var type = await SendAsync(admin.Client, Post(Body(targetType: "brand")), "zh-CN", HttpStatusCode.BadRequest);
        Assert.Equal("跳转类型须为商品、分类或秒杀活动之一。", type.GetProperty("errors").GetProperty("targetType")[0].GetString());
        var window = Post(Body(startsAt: Now.AddDays(1), endsAt: Now));
        Assert.Equal("结束时间须晚于开始时间。", (await SendAsync(admin.Client, window, "zh-CN", HttpStatusCode.BadRequest))
            .GetProperty("errors").GetProperty("endsAt")[0].GetString());
        Assert.Equal("The window must end after it starts.", (await SendAsync(admin.Client, Post(Body(startsAt: Now.AddDays(1), endsAt: Now)), "en",
            HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("endsAt")[0].GetString());

        foreach (var targetType in new[] { "product", "category", "seckill" })
        {
            var missing = await SendAsync(admin.Client, Post(Body(targetType: targetType, targetId: 987_654_321)), "zh-CN", HttpStatusCode.UnprocessableEntity);
            Assert.Equal(("banner.target_not_found", "跳转目标不存在"), (missing.GetProperty("code").GetString(), missing.GetProperty("title").GetString()));
        }
        var english = await SendAsync(admin.Client, Post(Body(targetType: "product", targetId: 987_654_321)), "en", HttpStatusCode.UnprocessableEntity);
        Assert.Equal("No product has that id.", english.GetProperty("detail").GetString());

        var unknown = await SendAsync(admin.Client, new HttpRequestMessage(HttpMethod.Put, "/api/v1/admin/banners/987654321") { Content = JsonContent.Create(Body()) },
            "zh-CN", HttpStatusCode.NotFound);
        Assert.Equal(("banner.not_found", "该轮播图不存在。"), (unknown.GetProperty("code").GetString(), unknown.GetProperty("detail").GetString()));

        var notImage = await (await UploadAsync(admin.Client, "GIF89a not really"u8.ToArray(), "image/gif")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("product.image_type", notImage.GetProperty("code").GetString());
        await (await admin.Client.PostAsync("/api/v1/admin/banners/images", new MultipartFormDataContent { { new StringContent("x"), "other" } }))
            .ShouldBeValidationErrorAsync("file");
        await using var db = await app.OpenDbAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM banners WHERE title = '横幅'"));
    }

    [Fact]
    public async Task Only_admins_manage_banners_and_anyone_reads_the_shops_list()
    {
        var shopper = await app.NewShopperAsync();
        var anonymous = app.CreateClient();
        var requests = new Func<HttpClient, Task<HttpResponseMessage>>[]
        {
            c => c.GetAsync("/api/v1/admin/banners"),
            c => c.PostAsJsonAsync("/api/v1/admin/banners", new { title = "x", image = "/x.png", targetType = "category", targetId = 1 }),
            c => c.PutAsJsonAsync("/api/v1/admin/banners/1", new { title = "x", image = "/x.png", targetType = "category", targetId = 1 }),
            c => c.DeleteAsync("/api/v1/admin/banners/1"),
            c => UploadAsync(c, Png(3)),
        };
        foreach (var request in requests)
        {
            await (await request(anonymous)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            await (await request(shopper.Client)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/banners")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shopper.Client.GetAsync("/api/v1/banners")).StatusCode);
    }
}

/// <summary>The window, on a clock of its own: moving it would age the signed-in admin's token, so nothing else runs here.</summary>
public sealed class BannerWindowTests(MallAppWithFakeClock app) : IClassFixture<MallAppWithFakeClock>
{
    private sealed record Banner(long Id);
    private sealed record Shown(long Id);
    private sealed record ShownList(Shown[] Items);

    private DateTime Now => app.FakeClock!.GetUtcNow().UtcDateTime;

    private async Task<ShownList> ShopListAsync() => await (await app.CreateClient().GetAsync("/api/v1/banners")).ReadAsync<ShownList>();

    [Fact]
    public async Task A_banner_shows_only_inside_its_window()
    {
        var admin = await app.AdminAsync();
        long category;
        await using (var db = await app.OpenDbAsync())
            category = await db.ExecuteScalarAsync<long>("INSERT INTO categories (parent_id, name, sort_order) VALUES (NULL, '横幅', 0); SELECT LAST_INSERT_ID();");
        var banner = await (await admin.Client.PostAsJsonAsync("/api/v1/admin/banners", new
        {
            title = "限时", image = "/media/products/phone-x5.svg", targetType = "category", targetId = category,
            startsAt = Now.AddMinutes(2), endsAt = Now.AddMinutes(5),
        })).ReadAsync<Banner>(HttpStatusCode.Created);
        Assert.DoesNotContain((await ShopListAsync()).Items, b => b.Id == banner.Id);

        app.FakeClock!.Advance(TimeSpan.FromMinutes(3));
        Assert.Contains((await ShopListAsync()).Items, b => b.Id == banner.Id);

        app.FakeClock!.Advance(TimeSpan.FromMinutes(3));
        Assert.DoesNotContain((await ShopListAsync()).Items, b => b.Id == banner.Id);
    }
}
