using System.Net.Http.Json;
using Dapper;
using Mall.Tests.Infrastructure;
using Mall.Features.Seckill;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;

namespace Mall.Tests.Seckill;

/// <summary>
/// The shopper's activity reads reuse an activity's MySQL row for Seckill:ActivityRowsLifetime (on a fake clock here),
/// while the stock they show is always Redis's.
/// </summary>
public sealed class ActivityRowsCacheTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private ActivityQueries Create() => new(app.Service<MySqlDataSource>(), app.Redis,
        new SeckillOptions { ActivityRowsLifetime = TimeSpan.FromSeconds(2) }, _clock);

    private async Task RenameAsync(long activity, string title)
    {
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync("UPDATE seckill_activities SET title = @title WHERE id = @activity", new { title, activity });
    }

    [Fact]
    public async Task A_row_is_reused_for_its_lifetime_but_the_stock_is_always_live()
    {
        var activity = await app.CreateActivityAsync(stock: 5);
        var queries = Create();
        Assert.Equal("秒杀", (await queries.FindAsync(activity, CancellationToken.None))!.Title);
        Assert.Contains(await queries.ListAsync(CancellationToken.None), a => a.Id == activity);

        await RenameAsync(activity, "改名");
        await app.Redis.StringSetAsync(new ActivityKeys(activity).Stock, 1);
        var cached = (await queries.FindAsync(activity, CancellationToken.None))!;
        Assert.Equal(("秒杀", 1L), (cached.Title, cached.StockLeft));
        Assert.Equal("秒杀", (await queries.ListAsync(CancellationToken.None)).Single(a => a.Id == activity).Title);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("改名", (await queries.FindAsync(activity, CancellationToken.None))!.Title);
        Assert.Equal("改名", (await queries.ListAsync(CancellationToken.None)).Single(a => a.Id == activity).Title);
    }

    [Fact]
    public async Task Publishing_on_this_instance_shows_the_change_at_once()
    {
        var activity = await app.CreateActivityAsync(stock: 5, startsAt: DateTimeOffset.UtcNow.AddMinutes(30)); // changeable until it starts
        var shopper = app.CreateClient();
        Assert.Equal("秒杀", (await (await shopper.GetAsync($"/api/v1/seckill/activities/{activity}")).ReadAsync<TitleBody>()).Title);

        var admin = await app.CachedAdminAsync();
        var start = DateTimeOffset.UtcNow.AddHours(1);
        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/seckill/activities/{activity}", new
        {
            title = "改期", priceCents = 990, stock = 5, limitPerUser = 1, startsAt = start, endsAt = start.AddHours(1),
        })).EnsureSuccessStatusCode();

        Assert.Equal("改期", (await (await shopper.GetAsync($"/api/v1/seckill/activities/{activity}")).ReadAsync<TitleBody>()).Title);
        Assert.Equal("改期", (await (await shopper.GetAsync("/api/v1/seckill/activities")).ReadAsync<ListBody>()).Items.Single(a => a.Id == activity).Title);
    }

    private sealed record TitleBody(long Id, string Title);
    private sealed record ListBody(List<TitleBody> Items);

    [Fact]
    public async Task The_list_drops_an_activity_that_ended_while_its_rows_were_reused()
    {
        var activity = await app.CreateActivityAsync(stock: 5, endsAt: _clock.GetUtcNow().AddSeconds(30));
        var queries = Create();
        Assert.Contains(await queries.ListAsync(CancellationToken.None), a => a.Id == activity);

        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.DoesNotContain(await queries.ListAsync(CancellationToken.None), a => a.Id == activity);
    }

    [Fact]
    public async Task A_lifetime_of_zero_reads_mysql_every_time()
    {
        var activity = await app.CreateActivityAsync(stock: 5);
        var queries = new ActivityQueries(app.Service<MySqlDataSource>(), app.Redis, new SeckillOptions { ActivityRowsLifetime = TimeSpan.Zero }, _clock);
        Assert.Equal("秒杀", (await queries.FindAsync(activity, CancellationToken.None))!.Title);

        await RenameAsync(activity, "即时");
        Assert.Equal("即时", (await queries.FindAsync(activity, CancellationToken.None))!.Title);
    }
}
