using System.Net;
using System.Net.Http.Json;
using Dapper;
using Mall.Features.Seckill.Expiry;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>Orders lapse one second after they are written; a shopper who lets two lapse is cooled down.</summary>
public sealed class GriefingApp() : MallApp(TestHost.Seckill, TestHostOption.Set(
    ("Seckill:OrderExpiry", "00:00:01"), ("Seckill:LapsesBeforeCooldown", "2"), ("Seckill:Cooldown", "01:00:00")));

/// <summary>
/// Holding stock without paying: one unpaid-order cap across normal and seckill orders, a seckill allowance that stays
/// spent when its order lapses, a payment window per activity, and a cool-down for shoppers who let orders lapse.
/// </summary>
public sealed class StockGriefingTests(GriefingApp app) : IClassFixture<GriefingApp>
{
    private readonly HttpClient _client = app.CreateClient();

    private async Task<string> WrittenOrderAsync(Buyer buyer, long activity)
    {
        var reservation = await _client.BuyAsync(buyer, activity);
        await Http.EventuallyAsync(async () => await app.CountAsync("SELECT COUNT(*) FROM orders WHERE reservation_id = @Id", new { Id = reservation }) == 1);
        return reservation;
    }

    private async Task LapseAsync(string reservation)
    {
        await Http.EventuallyAsync(async () => await app.CountAsync(
            "SELECT COUNT(*) FROM orders WHERE reservation_id = @Id AND expires_at <= UTC_TIMESTAMP(3)", new { Id = reservation }) == 1);
        await app.Service<SeckillExpiry>().ExpireDueAsync(CancellationToken.None);
        Assert.Equal(1, await app.CountAsync("SELECT COUNT(*) FROM orders WHERE reservation_id = @Id AND status = 'Cancelled'", new { Id = reservation }));
    }

    [Fact]
    public async Task Unpaid_seckill_orders_count_toward_the_cap_of_normal_checkout_and_the_other_way_round()
    {
        var shopper = await app.FastShopperAsync();
        var buyer = new Buyer(shopper.UserId, shopper.AccessToken);
        for (var i = 0; i < 3; i++)
            await WrittenOrderAsync(buyer, await app.CreateActivityAsync(stock: 5, paymentSeconds: 600));

        // Three unpaid seckill orders: no normal order now.
        var sku = (await app.ProductAsync(stock: 5))[0];
        var address = await shopper.Client.PostAsJsonAsync("/api/v1/addresses", new
        {
            receiver = "张三", phone = "13800138000", province = "上海市", city = "上海市", district = "浦东新区", detail = "世纪大道 1 号",
        });
        var addressId = (await address.ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId }),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
        };
        var refused = await (await shopper.Client.SendAsync(checkout)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("unpaid", refused.GetProperty("detail").GetString());

        // And no fourth seckill unit either.
        var fourth = await app.CreateActivityAsync(stock: 5);
        await (await _client.RequestTokenAsync(buyer, fourth)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_activity_sets_its_own_payment_window()
    {
        var activity = await app.CreateActivityAsync(stock: 5, paymentSeconds: 120);
        var reservation = await WrittenOrderAsync(await app.BuyerAsync(), activity);
        await using var db = await app.OpenDbAsync();
        var window = await db.ExecuteScalarAsync<long>(
            "SELECT TIMESTAMPDIFF(SECOND, created_at, expires_at) FROM orders WHERE reservation_id = @Id", new { Id = reservation });
        Assert.Equal(120, window);
    }

    [Fact]
    public async Task A_lapsed_unit_goes_to_someone_else_and_a_shopper_who_lets_orders_lapse_is_cooled_down()
    {
        var grabber = await app.BuyerAsync();
        var first = await app.CreateActivityAsync(stock: 1);
        await LapseAsync(await WrittenOrderAsync(grabber, first));

        // The unit is back, exactly once, but not for the one who let it lapse.
        Assert.Equal(1, await app.RedisStockAsync(first));
        await (await _client.AttemptAsync(grabber, first, await _client.TokenAsync(grabber, first))).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await WrittenOrderAsync(await app.BuyerAsync(), first);
        Assert.Equal(0, (await app.ReconcileAsync(first)).Drift);

        // A second lapse: the grabber gets no token anywhere for the cool-down.
        var second = await app.CreateActivityAsync(stock: 1);
        await LapseAsync(await WrittenOrderAsync(grabber, second));
        var third = await app.CreateActivityAsync(stock: 5);
        var cooled = await _client.RequestTokenAsync(grabber, third);
        await cooled.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(cooled.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await _client.RequestTokenAsync(await app.BuyerAsync(), third)).StatusCode);
    }
}
