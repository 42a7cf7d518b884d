using System.Net;
using Dapper;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Auth;

public sealed class PointsHistoryTests(MallApp app) : IClassFixture<MallApp>
{
    [Fact]
    public async Task Shows_only_my_ledger_newest_first()
    {
        var me = await app.NewShopperAsync();
        var other = await app.NewShopperAsync();
        await using (var db = await app.OpenDbAsync())
        {
            await db.ExecuteAsync("""
                INSERT INTO points_ledger (user_id, order_id, reason, points, created_at) VALUES
                (@Me, 1, 'paid', 12, UTC_TIMESTAMP(3)), (@Me, 2, 'paid', 30, UTC_TIMESTAMP(3)), (@Other, 3, 'paid', 99, UTC_TIMESTAMP(3))
                """, new { Me = me.UserId, Other = other.UserId });
        }
        var entries = await (await me.Client.GetAsync("/api/v1/me/points-history")).ReadAsync<Entry[]>();
        Assert.Equal([2L, 1L], entries.Select(e => e.OrderId));
        Assert.Equal([30L, 12L], entries.Select(e => e.Points));
    }

    [Fact]
    public async Task Needs_sign_in() =>
        await (await app.CreateClient().GetAsync("/api/v1/me/points-history")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

    private sealed record Entry(long OrderId, string Reason, long Points, DateTime CreatedAt);
}
