using System.Net;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Orders;

/// <summary>GET admin/orders: every filter, paging, and the total that stops counting at 10,000.</summary>
public sealed class AdminOrderSearchTests(MallApp app) : IClassFixture<MallApp>
{
    private sealed record Item(string OrderNo, string Kind, string Status, long TotalCents, int ItemCount, string Title, long UserId, string Account,
        DateTime CreatedAt);
    private sealed record SearchPage(Item[] Items, int Page, int PageSize, long Total, bool TotalIsExact);

    private async Task<SearchPage> SearchAsync(Shopper admin, string query) =>
        await (await admin.Client.GetAsync("/api/v1/admin/orders?" + query)).ReadAsync<SearchPage>();

    [Fact]
    public async Task Each_filter_narrows_the_search()
    {
        var admin = await app.AdminOnceAsync();
        var alice = await app.FastShopperAsync();
        var bob = await app.FastShopperAsync();
        var day = new DateTime(2020, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var pending = await ConsoleOrders.InsertAsync(app, alice.UserId, createdAt: day.AddHours(1));
        var paid = await ConsoleOrders.InsertAsync(app, alice.UserId, status: "Paid", createdAt: day.AddDays(1).AddHours(1));
        var seckill = await ConsoleOrders.InsertAsync(app, alice.UserId, kind: "seckill", status: "Paid", createdAt: day.AddDays(2).AddHours(1));
        var bobs = await ConsoleOrders.InsertAsync(app, bob.UserId, status: "Paid", createdAt: day.AddDays(1).AddHours(2));

        var one = await SearchAsync(admin, $"orderNo={paid}");
        Assert.Equal([paid], one.Items.Select(i => i.OrderNo));
        Assert.Equal((alice.UserId, alice.Account), (one.Items[0].UserId, one.Items[0].Account));

        // The account in another spelling of it (upper case, a full-width @) is the same shopper.
        var shouted = Uri.EscapeDataString(alice.Account.ToUpperInvariant().Replace('@', '＠'));
        var byAccount = await SearchAsync(admin, $"account={shouted}");
        Assert.Equal([seckill, paid, pending], byAccount.Items.Select(i => i.OrderNo));
        Assert.Equal((3, true), (byAccount.Total, byAccount.TotalIsExact));
        Assert.Equal([seckill, paid, pending], (await SearchAsync(admin, $"userId={alice.UserId}")).Items.Select(i => i.OrderNo));

        Assert.Equal([seckill, paid], (await SearchAsync(admin, $"userId={alice.UserId}&status=Paid")).Items.Select(i => i.OrderNo));
        Assert.Equal([seckill], (await SearchAsync(admin, $"userId={alice.UserId}&kind=seckill")).Items.Select(i => i.OrderNo));
        Assert.Equal([paid], (await SearchAsync(admin, $"userId={alice.UserId}&kind=normal&status=Paid")).Items.Select(i => i.OrderNo));

        // from is inclusive, to exclusive; both are instants (an offset is honoured).
        var range = await SearchAsync(admin, "from=2020-03-02T00:00:00Z&to=2020-03-03T00:00:00Z");
        Assert.Equal([bobs, paid], range.Items.Select(i => i.OrderNo));
        Assert.Equal([paid], (await SearchAsync(admin, $"from=2020-03-02T01:00:00Z&to=2020-03-02T02:00:00Z")).Items.Select(i => i.OrderNo));
        Assert.Equal([paid], (await SearchAsync(admin, $"from={Uri.EscapeDataString("2020-03-02T09:00:00+08:00")}&to=2020-03-02T01:00:00.001Z"))
            .Items.Select(i => i.OrderNo));
        Assert.Equal([seckill], (await SearchAsync(admin, $"userId={alice.UserId}&from=2020-03-02T12:00:00Z")).Items.Select(i => i.OrderNo));
        Assert.Equal([pending], (await SearchAsync(admin, $"userId={alice.UserId}&to=2020-03-02T00:00:00Z")).Items.Select(i => i.OrderNo));

        // Nobody, or two filters naming different shoppers: nothing, not everything.
        Assert.Equal(0, (await SearchAsync(admin, "account=nobody%40test.mall")).Total);
        Assert.Empty((await SearchAsync(admin, $"account={Uri.EscapeDataString(alice.Account)}&userId={bob.UserId}")).Items);
    }

    [Fact]
    public async Task Pages_are_newest_first_with_the_exact_total()
    {
        var admin = await app.AdminOnceAsync();
        var shopper = await app.FastShopperAsync();
        var start = new DateTime(2021, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        var orders = new List<string>();
        for (var i = 0; i < 5; i++) orders.Add(await ConsoleOrders.InsertAsync(app, shopper.UserId, createdAt: start.AddMinutes(i)));
        orders.Reverse();

        var first = await SearchAsync(admin, $"userId={shopper.UserId}&pageSize=2");
        Assert.Equal(orders[..2], first.Items.Select(i => i.OrderNo));
        Assert.Equal((1, 2, 5L, true), (first.Page, first.PageSize, first.Total, first.TotalIsExact));
        Assert.Equal(orders[2..4], (await SearchAsync(admin, $"userId={shopper.UserId}&pageSize=2&page=2")).Items.Select(i => i.OrderNo));
        Assert.Equal(orders[4..], (await SearchAsync(admin, $"userId={shopper.UserId}&pageSize=2&page=3")).Items.Select(i => i.OrderNo));
        Assert.Empty((await SearchAsync(admin, $"userId={shopper.UserId}&pageSize=2&page=4")).Items);
    }

    [Fact]
    public async Task The_total_stops_counting_at_ten_thousand()
    {
        var admin = await app.AdminOnceAsync();
        var busy = await app.FastShopperAsync();
        await ConsoleOrders.InsertManyAsync(app, busy.UserId, 10_005);

        var capped = await SearchAsync(admin, $"userId={busy.UserId}&pageSize=100");
        Assert.Equal((10_000L, false), (capped.Total, capped.TotalIsExact));
        Assert.Equal(100, capped.Items.Length);
        Assert.Equal($"M{busy.UserId}X000001", capped.Items[0].OrderNo);

        var exact = await SearchAsync(admin, $"userId={busy.UserId}&to={Uri.EscapeDataString(capped.Items[0].CreatedAt.AddSeconds(-10_000).ToString("O"))}");
        Assert.True(exact.TotalIsExact);
        Assert.InRange(exact.Total, 1, 10);

        // The last page of the counted ones answers; beyond it the console must narrow the search.
        Assert.Equal(100, (await SearchAsync(admin, $"userId={busy.UserId}&pageSize=100&page=100")).Items.Length);
        await (await admin.Client.GetAsync($"/api/v1/admin/orders?userId={busy.UserId}&pageSize=100&page=101")).ShouldBeValidationErrorAsync("page");
    }

    [Theory]
    [InlineData("status=Lost", "status")]
    [InlineData("kind=flash", "kind")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("orderNo=abc", "orderNo")]
    [InlineData("userId=0", "userId")]
    [InlineData("from=2020-03-02T00:00:00Z&to=2020-03-01T00:00:00Z", "to")]
    public async Task Bad_searches_are_400(string query, string field)
    {
        var admin = await app.AdminOnceAsync();
        await (await admin.Client.GetAsync("/api/v1/admin/orders?" + query)).ShouldBeValidationErrorAsync(field);
    }

    [Fact]
    public async Task A_malformed_instant_is_400()
    {
        var admin = await app.AdminOnceAsync();
        await (await admin.Client.GetAsync("/api/v1/admin/orders?from=yesterday")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "/api/v1/admin/orders")]
    [InlineData("GET", "/api/v1/admin/orders/T20260101000000000001")]
    [InlineData("GET", "/api/v1/admin/orders/export")]
    [InlineData("POST", "/api/v1/admin/orders/T20260101000000000001/close")]
    [InlineData("POST", "/api/v1/admin/orders/T20260101000000000001/remarks")]
    [InlineData("POST", "/api/v1/admin/orders/T20260101000000000001/ship")]
    public async Task Shoppers_get_403(string method, string url)
    {
        var shopper = await app.FastShopperAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST") request.Content = System.Net.Http.Json.JsonContent.Create(new { reason = "x", text = "x", carrier = "x", trackingNo = "SF1234" });
        await (await shopper.Client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
