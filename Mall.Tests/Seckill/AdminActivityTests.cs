using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>
/// The seckill fixture with SignalR pushes recorded (the cancel tells shoppers' pages) and a patient Redis client: on a
/// loaded test machine the 250 ms fail-fast bound answers some attempts 503 after their script ran, and these tests
/// count every reservation (Redis outages have their own tests).
/// </summary>
public sealed class SeckillAdminApp() : MallApp(TestHost.Seckill, TestHostOption.Set(("Redis:FailFastMilliseconds", "5000")), TestHost.RecordedPushes);

/// <summary>The operator's list and detail of activities, and how update and publish refuse.</summary>
public sealed class AdminActivityTests(SeckillAdminApp app) : IClassFixture<SeckillAdminApp>
{
    private const string Activities = "/api/v1/admin/seckill/activities";
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task The_list_has_every_activity_drafts_included_each_with_its_status_and_filters_and_pages()
    {
        var admin = await app.CachedAdminAsync();
        var draft = await app.CreateActivityAsync(stock: 3, startsAt: DateTimeOffset.UtcNow.AddMinutes(5), publish: false);
        var scheduled = await app.CreateActivityAsync(stock: 3, startsAt: DateTimeOffset.UtcNow.AddMinutes(5));
        var live = await app.CreateActivityAsync(stock: 3);
        var soldOut = await app.CreateActivityAsync(stock: 1);
        await _client.BuyAsync(await app.BuyerAsync(), soldOut);
        var ended = await app.CreateActivityAsync(stock: 2);
        await app.CountAsync("UPDATE seckill_activities SET ends_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = @Id; SELECT 0", new { Id = ended });
        var cancelled = await app.CreateActivityAsync(stock: 2);
        (await admin.Client.PostAsync($"{Activities}/{cancelled}/cancel", null)).EnsureSuccessStatusCode();

        // The route used to answer 405 (only POST was mapped on it).
        var page = await (await admin.Client.GetAsync($"{Activities}?pageSize=100")).ReadAsync<PageBody>();
        string StatusOf(long id) => page.Items.Single(a => a.Id == id).Status;
        Assert.Equal("Draft", StatusOf(draft));
        Assert.Equal("Scheduled", StatusOf(scheduled));
        Assert.Equal("Live", StatusOf(live));
        Assert.Equal("SoldOut", StatusOf(soldOut));
        Assert.Equal("Ended", StatusOf(ended));
        Assert.Equal("Cancelled", StatusOf(cancelled));
        Assert.Equal(page.Total, page.Items.Count);
        Assert.Equal(page.Items.OrderByDescending(a => a.Id).Select(a => a.Id), page.Items.Select(a => a.Id));

        var sold = page.Items.Single(a => a.Id == soldOut);
        Assert.Equal((1, 1, 0L, 990L), (sold.Stock, sold.Sold, sold.Remaining, sold.PriceCents));
        Assert.Equal("测试商品", sold.Sku.ProductTitle);
        var draftView = page.Items.Single(a => a.Id == draft);
        Assert.Equal((3, 0, 3L), (draftView.Stock, draftView.Sold, draftView.Remaining));
        Assert.Null(draftView.PublishedAt);
        var cancelledView = page.Items.Single(a => a.Id == cancelled);
        Assert.Equal((0L, 2L), (cancelledView.Remaining, cancelledView.ReleasedToSku));
        Assert.NotNull(cancelledView.CancelledAt);

        foreach (var status in new[] { "Draft", "Scheduled", "Live", "SoldOut", "Ended", "Cancelled" })
        {
            var filtered = await (await admin.Client.GetAsync($"{Activities}?status={status}&pageSize=100")).ReadAsync<PageBody>();
            Assert.NotEmpty(filtered.Items);
            Assert.All(filtered.Items, a => Assert.Equal(status, a.Status));
            Assert.Equal(filtered.Total, filtered.Items.Count);
        }
        var first = await (await admin.Client.GetAsync($"{Activities}?pageSize=2&page=1")).ReadAsync<PageBody>();
        var second = await (await admin.Client.GetAsync($"{Activities}?pageSize=2&page=2")).ReadAsync<PageBody>();
        Assert.Equal(2, first.Items.Count);
        Assert.Equal(page.Total, first.Total);
        Assert.Empty(first.Items.Select(a => a.Id).Intersect(second.Items.Select(a => a.Id)));

        await (await admin.Client.GetAsync($"{Activities}?status=Sleeping")).ShouldBeValidationErrorAsync("status");
        await (await admin.Client.GetAsync($"{Activities}?pageSize=0")).ShouldBeValidationErrorAsync("pageSize");
        var shopper = await app.BuyerAsync();
        await (await _client.SendAsync(shopper, HttpMethod.Get, Activities)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await _client.GetAsync(Activities)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_detail_adds_the_reconciliation_figures()
    {
        var admin = await app.CachedAdminAsync();
        var activity = await app.CreateActivityAsync(stock: 5);
        await _client.BuyAsync(await app.BuyerAsync(), activity);
        await app.WaitForOrdersAsync(activity, 1);

        var detail = await (await admin.Client.GetAsync($"{Activities}/{activity}")).ReadAsync<DetailBody>();
        Assert.Equal(activity, detail.Activity.Id);
        Assert.Equal("Live", detail.Activity.Status);
        Assert.Equal((5, 1, 4L), (detail.Activity.Stock, detail.Activity.Sold, detail.Activity.Remaining));
        Assert.Equal(new SeckillKit.ReconcileBody(5, 4, 0, 1, 0, 0), detail.Reconciliation);

        var draft = await app.CreateActivityAsync(stock: 4, startsAt: DateTimeOffset.UtcNow.AddMinutes(5), publish: false);
        var draftDetail = await (await admin.Client.GetAsync($"{Activities}/{draft}")).ReadAsync<DetailBody>();
        Assert.Equal("Draft", draftDetail.Activity.Status);
        Assert.Equal(0, draftDetail.Reconciliation.Drift);

        var missing = await (await admin.Client.GetAsync($"{Activities}/999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("seckill.activity_not_found", missing.GetProperty("code").GetString());
        Assert.Equal("The activity was not found.", missing.GetProperty("detail").GetString());
        var shopper = await app.BuyerAsync();
        await (await _client.SendAsync(shopper, HttpMethod.Get, $"{Activities}/{activity}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Update_refuses_with_a_code_once_started_ended_or_cancelled_or_without_sku_stock()
    {
        var admin = await app.CachedAdminAsync();
        object Body(int stock, DateTimeOffset start) => new { title = "改", priceCents = 500, stock, limitPerUser = 1, startsAt = start, endsAt = start.AddHours(1) };
        var later = DateTimeOffset.UtcNow.AddMinutes(5);

        var live = await app.CreateActivityAsync(stock: 5);
        await ShouldBeConflictAsync(await admin.Client.PutAsJsonAsync($"{Activities}/{live}", Body(5, later)), "seckill.started");

        var ended = await app.CreateActivityAsync(stock: 5);
        await app.CountAsync("UPDATE seckill_activities SET ends_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = @Id; SELECT 0", new { Id = ended });
        await ShouldBeConflictAsync(await admin.Client.PutAsJsonAsync($"{Activities}/{ended}", Body(5, later)), "seckill.ended");

        var cancelled = await app.CreateActivityAsync(stock: 5, startsAt: later);
        (await admin.Client.PostAsync($"{Activities}/{cancelled}/cancel", null)).EnsureSuccessStatusCode();
        await ShouldBeConflictAsync(await admin.Client.PutAsJsonAsync($"{Activities}/{cancelled}", Body(5, later)), "seckill.cancelled");

        // The SKU was created with stock + 10: 16 more units are not there.
        var upcoming = await app.CreateActivityAsync(stock: 5, startsAt: later);
        await ShouldBeConflictAsync(await admin.Client.PutAsJsonAsync($"{Activities}/{upcoming}", Body(21, later)), "seckill.sku_stock_insufficient");
        (await admin.Client.PutAsJsonAsync($"{Activities}/{upcoming}", Body(7, later))).EnsureSuccessStatusCode();
        Assert.Equal(7, await app.RedisStockAsync(upcoming));

        var missing = await (await admin.Client.PutAsJsonAsync($"{Activities}/999999", Body(1, later))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("seckill.activity_not_found", missing.GetProperty("code").GetString());
        Assert.Equal(1, await app.CountAsync("SELECT COUNT(*) FROM admin_audit WHERE action = 'activity.update' AND entity_id = @Id",
            new { Id = upcoming.ToString() }));
        Assert.Equal(0, await app.CountAsync("SELECT COUNT(*) FROM admin_audit WHERE action = 'activity.update' AND entity_id = @Id",
            new { Id = live.ToString() }));
    }

    [Fact]
    public async Task Publish_is_once_only_and_refuses_ended_or_cancelled_activities_with_a_code()
    {
        var admin = await app.CachedAdminAsync();
        var activity = await app.CreateActivityAsync(stock: 3);
        await _client.BuyAsync(await app.BuyerAsync(), activity);
        await ShouldBeConflictAsync(await admin.Client.PostAsync($"{Activities}/{activity}/publish", null), "seckill.already_published");
        Assert.Equal(2, await app.RedisStockAsync(activity));

        var ended = await app.CreateActivityAsync(stock: 3, publish: false);
        await app.CountAsync("UPDATE seckill_activities SET ends_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = @Id; SELECT 0", new { Id = ended });
        await ShouldBeConflictAsync(await admin.Client.PostAsync($"{Activities}/{ended}/publish", null), "seckill.ended");

        var cancelled = await app.CreateActivityAsync(stock: 3, publish: false);
        (await admin.Client.PostAsync($"{Activities}/{cancelled}/cancel", null)).EnsureSuccessStatusCode();
        await ShouldBeConflictAsync(await admin.Client.PostAsync($"{Activities}/{cancelled}/publish", null), "seckill.cancelled");

        var missing = await (await admin.Client.PostAsync($"{Activities}/999999/publish", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("seckill.activity_not_found", missing.GetProperty("code").GetString());
        Assert.Equal(1, await app.CountAsync("SELECT COUNT(*) FROM admin_audit WHERE action = 'activity.publish' AND entity_id = @Id",
            new { Id = activity.ToString() }));
        Assert.Equal(1, await app.CountAsync("SELECT COUNT(*) FROM admin_audit WHERE action = 'activity.create' AND entity_id = @Id",
            new { Id = activity.ToString() }));
    }

    [Fact]
    public async Task Create_names_a_missing_sku_and_a_short_one()
    {
        var admin = await app.CachedAdminAsync();
        object Body(long skuId, int stock) => new
        {
            skuId, title = "秒杀", priceCents = 100, stock, limitPerUser = 1,
            startsAt = DateTimeOffset.UtcNow.AddMinutes(5), endsAt = DateTimeOffset.UtcNow.AddMinutes(10),
        };
        var missing = await (await admin.Client.PostAsJsonAsync(Activities, Body(999999, 1))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("seckill.sku_not_found", missing.GetProperty("code").GetString());
        var skuId = await app.CreateSkuAsync(stock: 3);
        await ShouldBeConflictAsync(await admin.Client.PostAsJsonAsync(Activities, Body(skuId, 4)), "seckill.sku_stock_insufficient");
    }

    [Fact]
    public async Task A_publish_whose_redis_half_never_happened_is_finished_by_the_recovery_pass()
    {
        var activity = await app.CreateActivityAsync(stock: 2, publish: false);
        // What a crash right after the publish's commit leaves: MySQL says published, Redis knows nothing.
        await app.CountAsync("UPDATE seckill_activities SET published_at = UTC_TIMESTAMP(3), version = version + 1 WHERE id = @Id; SELECT 0",
            new { Id = activity });
        var buyer = await app.BuyerAsync();
        await Http.EventuallyAsync(async () => await app.CountAsync(
            "SELECT COUNT(*) FROM seckill_activities WHERE id = @Id AND warmed_version = version", new { Id = activity }) == 1,
            because: "recovery warms the activity up");
        Assert.Equal(2, await app.RedisStockAsync(activity));
        await _client.BuyAsync(buyer, activity);
        await app.WaitForOrdersAsync(activity, 1);
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);
    }

    private static async Task ShouldBeConflictAsync(HttpResponseMessage response, string code)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    public sealed record SkuBody(long Id, long ProductId, string ProductTitle, Dictionary<string, string> Specs, long PriceCents);
    public sealed record ActivityBody(long Id, string Title, string Status, SkuBody Sku, long PriceCents, int Stock, long Sold, long Remaining,
        long ReleasedToSku, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset? PublishedAt, DateTimeOffset? CancelledAt);
    public sealed record PageBody(List<ActivityBody> Items, int Page, int PageSize, long Total);
    public sealed record DetailBody(ActivityBody Activity, SeckillKit.ReconcileBody Reconciliation);
}
