using System.Net;
using Dapper;
using Mall.Tests.Infrastructure;
using Mall.Tests.Orders;

namespace Mall.Tests.Auth;

/// <summary>GET admin/members and admin/members/{id}: finding shoppers, and what the console shows of one.</summary>
public sealed class AdminMemberTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Member(long Id, string Account, string Nickname, string Role, long Points, bool Disabled, DateTime? DisabledAt, DateTime CreatedAt);
    private sealed record MemberPage(Member[] Items, int Page, int PageSize, long Total, bool TotalIsExact);
    private sealed record RecentOrder(string OrderNo, string Kind, string Status, long TotalCents, DateTime CreatedAt);
    private sealed record PointsEntry(string? OrderNo, string Reason, long Points, DateTime CreatedAt);
    private sealed record MemberDetail(long Id, string Account, string Role, bool Disabled, DateTime? DisabledAt, long PointsBalance, long OrderCount,
        RecentOrder[] RecentOrders, PointsEntry[] RecentPoints);

    private async Task<MemberPage> ListAsync(Shopper admin, string query) =>
        await (await admin.Client.GetAsync("/api/v1/admin/members?" + query)).ReadAsync<MemberPage>();

    /// <summary>Shoppers whose accounts share a prefix no other test uses.</summary>
    private async Task<(string Tag, long[] Ids)> ShoppersAsync(params string[] names)
    {
        var tag = "m" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<long>();
        await using var db = await app.OpenDbAsync();
        foreach (var name in names)
            ids.Add(await db.ExecuteScalarAsync<long>("""
                INSERT INTO users (account, password_hash, nickname, role, created_at, updated_at)
                VALUES (@Account, 'not-a-hash', 'tester', 'shopper', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
                SELECT LAST_INSERT_ID();
                """, new { Account = $"{tag}{name}@test.mall" }));
        return (tag, [.. ids]);
    }

    [Fact]
    public async Task Members_are_found_by_account_prefix_or_substring_and_by_state()
    {
        var admin = await app.AdminOnceAsync();
        var (tag, ids) = await ShoppersAsync("alice", "albert", "bob_x");

        var prefix = await ListAsync(admin, $"account={tag}al");
        Assert.Equal([ids[1], ids[0]], prefix.Items.Select(m => m.Id)); // newest first
        Assert.Equal((2L, true), (prefix.Total, prefix.TotalIsExact));
        // Any spelling of the account: upper case, full-width letters.
        Assert.Equal(2, (await ListAsync(admin, $"account={Uri.EscapeDataString(tag.ToUpperInvariant() + "ＡＬ")}")).Total);
        Assert.Empty((await ListAsync(admin, "account=lice")).Items);
        Assert.Equal([ids[0]], (await ListAsync(admin, $"account={tag}alice&match=contains")).Items.Select(m => m.Id));
        Assert.Equal([ids[0]], (await ListAsync(admin, "account=lice%40test&match=contains")).Items.Where(m => ids.Contains(m.Id)).Select(m => m.Id));
        // LIKE's wildcards are plain characters in the search.
        Assert.Equal([ids[2]], (await ListAsync(admin, $"account={tag}bob_&match=prefix")).Items.Select(m => m.Id));
        Assert.Empty((await ListAsync(admin, $"account={tag}%25")).Items);

        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{ids[1]}/disable", null)).EnsureSuccessStatusCode();
        var disabled = await ListAsync(admin, $"account={tag}&status=disabled");
        Assert.Equal([ids[1]], disabled.Items.Select(m => m.Id));
        Assert.True(disabled.Items[0].Disabled);
        Assert.NotNull(disabled.Items[0].DisabledAt);
        Assert.Equal([ids[2], ids[0]], (await ListAsync(admin, $"account={tag}&status=enabled")).Items.Select(m => m.Id));

        var page = await ListAsync(admin, $"account={tag}&pageSize=2&page=2");
        Assert.Equal([ids[0]], page.Items.Select(m => m.Id));
        Assert.Equal(3, page.Total);
        Assert.Contains((await ListAsync(admin, "account=admin%40mall.local")).Items, m => m.Role == "admin");
    }

    [Theory]
    [InlineData("status=gone", "status")]
    [InlineData("match=regex", "match")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task Bad_member_searches_are_400(string query, string field)
    {
        var admin = await app.AdminOnceAsync();
        await (await admin.Client.GetAsync("/api/v1/admin/members?" + query)).ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task A_member_shows_points_recent_orders_and_state()
    {
        var admin = await app.AdminOnceAsync();
        var (_, ids) = await ShoppersAsync("carol");
        var id = ids[0];
        var orders = new List<string>();
        for (var i = 0; i < 12; i++)
            orders.Add(await ConsoleOrders.InsertAsync(app, id, status: "Paid", totalCents: 10_000 + i, createdAt: new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i)));
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("""
                INSERT INTO points_ledger (user_id, order_id, reason, points, created_at)
                SELECT user_id, id, 'paid', total_cents DIV 100, created_at FROM orders WHERE user_id = @Id;
                UPDATE users SET points = (SELECT SUM(points) FROM points_ledger WHERE user_id = @Id) WHERE id = @Id;
                """, new { Id = id });

        var member = await (await admin.Client.GetAsync($"/api/v1/admin/members/{id}")).ReadAsync<MemberDetail>();
        Assert.Equal((id, "shopper", false, 1_200L, 12L), (member.Id, member.Role, member.Disabled, member.PointsBalance, member.OrderCount));
        Assert.Equal(orders.AsEnumerable().Reverse().Take(10), member.RecentOrders.Select(o => o.OrderNo));
        Assert.Equal(12, member.RecentPoints.Length);
        Assert.Equal((orders[^1], "paid", 100L), (member.RecentPoints[0].OrderNo, member.RecentPoints[0].Reason, member.RecentPoints[0].Points));

        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{id}/disable", null)).EnsureSuccessStatusCode();
        var disabled = await (await admin.Client.GetAsync($"/api/v1/admin/members/{id}")).ReadAsync<MemberDetail>();
        Assert.True(disabled.Disabled);
        Assert.NotNull(disabled.DisabledAt);
        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{id}/enable", null)).EnsureSuccessStatusCode();
        Assert.False((await (await admin.Client.GetAsync($"/api/v1/admin/members/{id}")).ReadAsync<MemberDetail>()).Disabled);
    }

    [Fact]
    public async Task Unknown_members_and_shoppers()
    {
        var admin = await app.AdminOnceAsync();
        var missing = await (await admin.Client.GetAsync("/api/v1/admin/members/999999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("member.not_found", missing.GetProperty("code").GetString());
        await (await admin.Client.GetAsync("/api/v1/admin/members/0")).ShouldBeValidationErrorAsync("id");

        var shopper = await app.FastShopperAsync();
        await (await shopper.Client.GetAsync("/api/v1/admin/members")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await shopper.Client.GetAsync($"/api/v1/admin/members/{shopper.UserId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
