using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mall.Tests.Infrastructure;
using Mall.Tests.Orders;

namespace Mall.Tests.Auth;

/// <summary>The operators' audit log: what disable/enable and the order console write, and GET admin/audit reading it back.</summary>
public sealed class AuditLogTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Entry(long Id, DateTime CreatedAt, long ActorId, string ActorAccount, string Action, string Entity, string EntityId,
        JsonElement? Before, JsonElement? After, string? ClientIp, string? TraceId);
    private sealed record AuditPage(Entry[] Items, int Page, int PageSize, long Total, bool TotalIsExact);

    private async Task<AuditPage> ReadAsync(Shopper admin, string query) =>
        await (await admin.Client.GetAsync("/api/v1/admin/audit?" + query)).ReadAsync<AuditPage>();

    [Fact]
    public async Task Disabling_and_enabling_an_account_are_recorded_with_before_and_after()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{shopper.UserId}/disable", null)).EnsureSuccessStatusCode();
        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{shopper.UserId}/disable", null)).EnsureSuccessStatusCode(); // no change, no record
        (await admin.Client.PostAsync($"/api/v1/admin/accounts/{shopper.UserId}/enable", null)).EnsureSuccessStatusCode();
        await (await admin.Client.PostAsync($"/api/v1/admin/accounts/{admin.UserId}/disable", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var log = await ReadAsync(admin, $"entity=account&entityId={shopper.UserId}");
        Assert.Equal(["account.enable", "account.disable"], log.Items.Select(e => e.Action)); // newest first
        Assert.Equal(2, log.Total);
        var disable = log.Items[1];
        Assert.Equal((admin.UserId, "admin@mall.local", "account", shopper.UserId.ToString()),
            (disable.ActorId, disable.ActorAccount, disable.Entity, disable.EntityId));
        Assert.False(disable.Before!.Value.GetProperty("disabled").GetBoolean());
        Assert.True(disable.After!.Value.GetProperty("disabled").GetBoolean());
        Assert.False(string.IsNullOrEmpty(disable.TraceId));
        Assert.True(log.Items[0].Before!.Value.GetProperty("disabled").GetBoolean());
        Assert.Empty((await ReadAsync(admin, $"entity=account&entityId={admin.UserId}")).Items);
    }

    [Fact]
    public async Task The_log_filters_by_entity_actor_and_action_and_pages_newest_first()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var orderNo = await ConsoleOrders.InsertAsync(app, shopper.UserId);
        for (var i = 1; i <= 3; i++)
            (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/remarks", new { text = $"remark {i}" })).EnsureSuccessStatusCode();
        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/orders/{orderNo}/close", new { reason = "测试关闭" })).EnsureSuccessStatusCode();

        var order = await ReadAsync(admin, $"entity=order&entityId={orderNo}");
        Assert.Equal(["order.close", "order.remark", "order.remark", "order.remark"], order.Items.Select(e => e.Action));
        Assert.True(order.Items.Zip(order.Items.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt && p.First.Id > p.Second.Id));
        var close = order.Items[0];
        Assert.Equal(("PendingPayment", "Cancelled", "测试关闭"), (close.Before!.Value.GetProperty("status").GetString(),
            close.After!.Value.GetProperty("status").GetString(), close.After.Value.GetProperty("cancelNote").GetString()));

        var remarks = await ReadAsync(admin, $"entity=order&entityId={orderNo}&action=order.remark&pageSize=2");
        Assert.Equal((3L, 2), (remarks.Total, remarks.Items.Length));
        Assert.Equal("remark 3", remarks.Items[0].After!.Value.GetProperty("text").GetString());
        var second = await ReadAsync(admin, $"entity=order&entityId={orderNo}&action=order.remark&pageSize=2&page=2");
        Assert.Equal("remark 1", second.Items.Single().After!.Value.GetProperty("text").GetString());

        Assert.Contains((await ReadAsync(admin, "action=order.close")).Items, e => e.EntityId == orderNo);
        Assert.Equal(4, (await ReadAsync(admin, $"actor=ADMIN%40mall.local&entity=order&entityId={orderNo}")).Total);
        Assert.Equal(4, (await ReadAsync(admin, $"actorId={admin.UserId}&entity=order&entityId={orderNo}")).Total);
        Assert.Empty((await ReadAsync(admin, $"actor={Uri.EscapeDataString(shopper.Account)}")).Items);
        Assert.Empty((await ReadAsync(admin, "actor=nobody%40test.mall")).Items);
    }

    [Theory]
    [InlineData("entityId=42", "entity")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("actorId=0", "actorId")]
    public async Task Bad_log_queries_are_400(string query, string field)
    {
        var admin = await app.AdminOnceAsync();
        await (await admin.Client.GetAsync("/api/v1/admin/audit?" + query)).ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task Shoppers_cannot_read_the_log()
    {
        var shopper = await app.FastShopperAsync();
        await (await shopper.Client.GetAsync("/api/v1/admin/audit")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
