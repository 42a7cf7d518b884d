using Dapper;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mall.Tests.Seckill;

/// <summary>The seckill fixture with the demo data seeded at startup.</summary>
public sealed class DemoDataApp() : MallApp(TestHost.Seckill, TestHost.DemoData);

public sealed class DemoSeedTests(DemoDataApp app) : IClassFixture<DemoDataApp>
{
    [Fact]
    public async Task Demo_data_is_one_published_activity_starting_in_about_five_minutes_and_seeding_again_adds_none()
    {
        await StartupSeeders.RunAllAsync(app.Services, CancellationToken.None);

        await using var db = await app.OpenDbAsync();
        var activity = await db.QuerySingleAsync<(long Id, int Stock, DateTime StartsAt, int Locked)>("""
            SELECT a.id, a.stock, a.starts_at, s.locked FROM seckill_activities a JOIN skus s ON s.id = a.sku_id
            WHERE a.published_at IS NOT NULL
            """);
        Assert.InRange(activity.StartsAt, DateTime.UtcNow.AddMinutes(4), DateTime.UtcNow.AddMinutes(6));
        Assert.Equal(activity.Stock, activity.Locked);
        Assert.Equal(activity.Stock, await app.RedisStockAsync(activity.Id));
    }
}
