using System.Net;
using System.Net.Http.Json;
using Dapper;
using Mall.Infrastructure;
using Mall.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Mall.Tests.Seckill;

public sealed class SeckillRulesTests(SeckillApp app) : IClassFixture<SeckillApp>
{
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Attempt_and_token_before_start_are_425()
    {
        var activity = await app.CreateActivityAsync(stock: 5, startsAt: DateTimeOffset.UtcNow.AddHours(1));
        var buyer = await app.BuyerAsync();

        var token = await _client.RequestTokenAsync(buyer, activity);
        await token.ShouldBeProblemAsync((HttpStatusCode)425);
        Assert.NotNull(token.Headers.RetryAfter);
        await (await _client.AttemptAsync(buyer, activity, "guessed-token")).ShouldBeProblemAsync((HttpStatusCode)425);
        Assert.Equal(5, await app.RedisStockAsync(activity));
    }

    [Fact]
    public async Task Attempt_after_the_end_is_410()
    {
        await app.CachedAdminAsync();
        var buyer = await app.BuyerAsync();
        var activity = await app.CreateActivityAsync(stock: 5, startsAt: DateTimeOffset.UtcNow.AddSeconds(-1),
            endsAt: DateTimeOffset.UtcNow.AddSeconds(3));

        await Http.EventuallyAsync(async () =>
            (await (await _client.GetAsync($"/api/v1/seckill/activities/{activity}")).ReadAsync<DetailBody>()).Status == "Ended",
            TimeSpan.FromSeconds(10));

        // The window is checked before the token, so any token meets "ended".
        await (await _client.AttemptAsync(buyer, activity, "any-token")).ShouldBeProblemAsync(HttpStatusCode.Gone);
        await (await _client.RequestTokenAsync(buyer, activity)).ShouldBeProblemAsync(HttpStatusCode.Gone);
        Assert.Equal(5, await app.RedisStockAsync(activity));
    }

    [Fact]
    public async Task Unknown_token_and_someone_elses_token_used_or_not_are_403()
    {
        var activity = await app.CreateActivityAsync(stock: 5, limitPerUser: 2);
        var buyer = await app.BuyerAsync();
        var other = await app.BuyerAsync();

        await (await _client.AttemptAsync(buyer, activity, "not-a-token")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var othersToken = await _client.TokenAsync(other, activity);
        await (await _client.AttemptAsync(buyer, activity, othersToken)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        (await _client.AttemptAsync(other, activity, othersToken)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await (await _client.AttemptAsync(buyer, activity, othersToken)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(4, await app.RedisStockAsync(activity));
    }

    [Fact]
    public async Task The_same_attempt_sent_again_gets_the_same_reservation_and_takes_nothing_twice()
    {
        var activity = await app.CreateActivityAsync(stock: 5, limitPerUser: 2);
        var buyer = await app.BuyerAsync();
        var token = await _client.TokenAsync(buyer, activity);

        var first = await _client.BuyAsync(buyer, activity, token: token);
        var again = await _client.BuyAsync(buyer, activity, token: token); // a double tap, or a retry after a lost answer
        Assert.Equal(first, again);
        Assert.Equal(4, await app.RedisStockAsync(activity));
        await app.WaitForOrdersAsync(activity, 1);
        Assert.Equal(1, await app.OrdersAsync(activity));
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);

        // A token is still one attempt: the shopper's second unit needs a new one.
        await _client.BuyAsync(buyer, activity);
        Assert.Equal(3, await app.RedisStockAsync(activity));
    }

    [Fact]
    public async Task A_refused_attempt_sent_again_is_refused_the_same_way()
    {
        var activity = await app.CreateActivityAsync(stock: 5, limitPerUser: 1);
        var buyer = await app.BuyerAsync();
        await _client.BuyAsync(buyer, activity);

        var overLimit = await _client.TokenAsync(buyer, activity);
        await (await _client.AttemptAsync(buyer, activity, overLimit)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await _client.AttemptAsync(buyer, activity, overLimit)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(4, await app.RedisStockAsync(activity));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3)]
    public async Task Quantity_below_one_or_above_the_limit_is_400_and_keeps_the_token(int quantity)
    {
        var activity = await app.CreateActivityAsync(stock: 5, limitPerUser: 2);
        var buyer = await app.BuyerAsync();
        var token = await _client.TokenAsync(buyer, activity);

        await (await _client.AttemptAsync(buyer, activity, token, quantity)).ShouldBeValidationErrorAsync("quantity");
        (await _client.AttemptAsync(buyer, activity, token, 2)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        Assert.Equal(3, await app.RedisStockAsync(activity));
    }

    [Fact]
    public async Task Unknown_or_unpublished_activity_is_404()
    {
        var buyer = await app.BuyerAsync();
        await (await _client.AttemptAsync(buyer, 987654, "token")).ShouldBeNotFoundAsync("The activity");
        await (await _client.RequestTokenAsync(buyer, 987654)).ShouldBeNotFoundAsync("The activity");
        var unpublished = await app.CreateActivityAsync(stock: 1, publish: false);
        await (await _client.RequestTokenAsync(buyer, unpublished)).ShouldBeNotFoundAsync("The activity");
        await (await _client.GetAsync($"/api/v1/seckill/activities/{unpublished}")).ShouldBeNotFoundAsync("The activity");
    }

    [Fact]
    public async Task Second_purchase_over_the_per_user_limit_is_409()
    {
        var activity = await app.CreateActivityAsync(stock: 5, limitPerUser: 1);
        var buyer = await app.BuyerAsync();
        await _client.BuyAsync(buyer, activity);
        var again = await _client.AttemptAsync(buyer, activity, await _client.TokenAsync(buyer, activity));
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(4, await app.RedisStockAsync(activity));
    }

    [Fact]
    public async Task Attempt_after_sellout_returns_410_and_the_token_endpoint_too()
    {
        var activity = await app.CreateActivityAsync(stock: 1);
        var first = await app.BuyerAsync();
        var second = await app.BuyerAsync();
        var secondToken = await _client.TokenAsync(second, activity);
        await _client.BuyAsync(first, activity);

        await (await _client.AttemptAsync(second, activity, secondToken)).ShouldBeProblemAsync(HttpStatusCode.Gone);
        await (await _client.RequestTokenAsync(second, activity)).ShouldBeProblemAsync(HttpStatusCode.Gone);
        var detail = await (await _client.GetAsync($"/api/v1/seckill/activities/{activity}")).ReadAsync<DetailBody>();
        Assert.Equal(("SoldOut", 0L), (detail.Status, detail.StockLeft));
    }

    [Fact]
    public async Task After_the_sellout_a_buyer_is_answered_as_before_it_not_told_sold_out()
    {
        var activity = await app.CreateActivityAsync(stock: 1, limitPerUser: 1);
        var winner = await app.BuyerAsync();
        var loser = await app.BuyerAsync();
        var winning = await _client.TokenAsync(winner, activity);
        var spare = await _client.TokenAsync(winner, activity);
        var losers = await _client.TokenAsync(loser, activity);
        var reservation = await _client.BuyAsync(winner, activity, token: winning); // stock 0: this instance now knows it is sold out

        // The winner's 202 was lost and the app asks again with the same token: the same reservation, not "sold out".
        Assert.Equal(reservation, await _client.BuyAsync(winner, activity, token: winning));
        // Another of the winner's tokens: the limit, as before the sell-out (the app then offers the order it holds).
        await (await _client.AttemptAsync(winner, activity, spare)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        // Someone who holds nothing is still refused by the short-cut.
        var soldOut = await (await _client.AttemptAsync(loser, activity, losers)).ShouldBeProblemAsync(HttpStatusCode.Gone);
        Assert.Equal("seckill.sold_out", soldOut.GetProperty("code").GetString());
        Assert.Equal(0, await app.RedisStockAsync(activity));
        await app.WaitForOrdersAsync(activity, 1);
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);
    }

    [Fact]
    public async Task Too_many_attempts_by_one_user_are_429_with_retry_after()
    {
        var activity = await app.CreateActivityAsync(stock: 5);
        var buyer = await app.BuyerAsync();
        for (var i = 0; i < 5; i++)
            await (await _client.AttemptAsync(buyer, activity, "bogus")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var throttled = await _client.AttemptAsync(buyer, activity, "bogus");
        await throttled.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Accepted_reservation_becomes_a_pending_order_at_the_seckill_price_visible_only_to_its_buyer()
    {
        var activity = await app.CreateActivityAsync(stock: 5, limitPerUser: 2, priceCents: 1234);
        var buyer = await app.BuyerAsync();
        var reservation = await _client.BuyAsync(buyer, activity, quantity: 2);

        SeckillKit.ReservationBody status = null!;
        await Http.EventuallyAsync(async () =>
        {
            status = await (await _client.SendAsync(buyer, HttpMethod.Get, $"/api/v1/seckill/reservations/{reservation}"))
                .ReadAsync<SeckillKit.ReservationBody>();
            return status.Status == "OrderCreated";
        });
        await using var db = await app.OpenDbAsync();
        var order = await db.QuerySingleAsync<(string OrderNo, long UserId, string Kind, string Status, long Total, DateTime Created, DateTime Expires)>(
            "SELECT order_no, user_id, kind, status, total_cents, created_at, expires_at FROM orders WHERE reservation_id = @Id", new { Id = reservation });
        Assert.Equal((status.OrderNo, buyer.UserId, "seckill", "PendingPayment", 2468L), (order.OrderNo, order.UserId, order.Kind, order.Status, order.Total));
        Assert.Equal(TimeSpan.FromMinutes(5), order.Expires - order.Created);
        var item = await db.QuerySingleAsync<(long Price, int Quantity, string Title)>(
            "SELECT i.price_cents, i.quantity, i.title FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.reservation_id = @Id",
            new { Id = reservation });
        Assert.Equal((1234L, 2, "测试商品"), item);

        var stranger = await app.BuyerAsync();
        await (await _client.SendAsync(stranger, HttpMethod.Get, $"/api/v1/seckill/reservations/{reservation}"))
            .ShouldBeNotFoundAsync("The reservation");
        Assert.Equal(0, (await app.ReconcileAsync(activity)).Drift);
    }

    [Fact]
    public async Task Creating_an_activity_locks_its_stock_on_the_sku_and_refuses_more_than_is_available()
    {
        var admin = await app.CachedAdminAsync();
        var skuId = await app.CreateSkuAsync(stock: 30);
        object Body(int stock) => new
        {
            skuId, title = "秒杀", priceCents = 100, stock, limitPerUser = 1,
            startsAt = DateTimeOffset.UtcNow.AddMinutes(5), endsAt = DateTimeOffset.UtcNow.AddMinutes(10),
        };
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/seckill/activities", Body(20))).ReadAsync<SeckillKit.IdBody>(HttpStatusCode.Created);
        await (await admin.Client.PostAsJsonAsync("/api/v1/admin/seckill/activities", Body(11))).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(20, await app.CountAsync("SELECT locked FROM skus WHERE id = @Id", new { Id = skuId }));

        var shopper = await app.BuyerAsync();
        var forbidden = await _client.SendAsync(shopper, HttpMethod.Post, "/api/v1/admin/seckill/activities", Body(1));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Update_before_start_moves_stock_and_republishes_but_after_start_is_409()
    {
        var admin = await app.CachedAdminAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(5);
        var upcoming = await app.CreateActivityAsync(stock: 5, startsAt: start);
        object Body(int stock, DateTimeOffset s) => new { title = "改", priceCents = 500, stock, limitPerUser = 1, startsAt = s, endsAt = s.AddHours(1) };
        (await admin.Client.PutAsJsonAsync($"/api/v1/admin/seckill/activities/{upcoming}", Body(8, start))).EnsureSuccessStatusCode();
        Assert.Equal(8, await app.RedisStockAsync(upcoming));
        Assert.Equal(8, await app.CountAsync("SELECT s.locked FROM skus s JOIN seckill_activities a ON a.sku_id = s.id WHERE a.id = @Id", new { Id = upcoming }));

        var live = await app.CreateActivityAsync(stock: 5);
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/seckill/activities/{live}", Body(8, DateTimeOffset.UtcNow.AddMinutes(1))))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Update_without_a_start_is_400_like_create()
    {
        var admin = await app.CachedAdminAsync();
        var upcoming = await app.CreateActivityAsync(stock: 5, startsAt: DateTimeOffset.UtcNow.AddMinutes(5));
        var response = await admin.Client.PutAsJsonAsync($"/api/v1/admin/seckill/activities/{upcoming}",
            new { title = "改", priceCents = 500, stock = 5, limitPerUser = 1, endsAt = DateTimeOffset.UtcNow.AddHours(1) });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("startsAt", out _));
    }

    [Fact]
    public async Task Warming_a_live_activity_up_again_never_restores_sold_units()
    {
        var activity = await app.CreateActivityAsync(stock: 3);
        await _client.BuyAsync(await app.BuyerAsync(), activity);
        // A second publish is refused (409); the warm-up itself is what recovery and the demo seeder repeat.
        await app.Service<Mall.Features.Seckill.Admin.PublishActivity.Publisher>().WarmAsync(activity, CancellationToken.None);
        Assert.Equal(2, await app.RedisStockAsync(activity));
    }

    [Fact]
    public async Task Shoppers_see_published_activities_with_the_server_time()
    {
        var activity = await app.CreateActivityAsync(stock: 7, priceCents: 990);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var time = await (await _client.GetAsync("/api/v1/time")).ReadAsync<TimeBody>();
        Assert.InRange(time.ServerTimeMs, before - 1000, before + 5000);

        var detail = await (await _client.GetAsync($"/api/v1/seckill/activities/{activity}")).ReadAsync<DetailBody>();
        Assert.Equal(("Live", 7L, 990L, 10_000L), (detail.Status, detail.StockLeft, detail.PriceCents, detail.OriginalPriceCents));
        Assert.True(detail.ServerTimeMs >= before);
        Assert.Equal("黑", detail.Sku.Specs["颜色"]);

        var list = await (await _client.GetAsync("/api/v1/seckill/activities")).ReadAsync<ListBody>();
        Assert.Contains(list.Items, a => a.Id == activity);
    }

    private sealed record TimeBody(long ServerTimeMs);
    private sealed record SkuBody(long Id, Dictionary<string, string> Specs);
    private sealed record DetailBody(long Id, string Status, long StockLeft, long PriceCents, long OriginalPriceCents, long ServerTimeMs, SkuBody Sku);
    private sealed record ListBody(List<DetailBody> Items, long ServerTimeMs);

    [Fact]
    public void The_token_and_attempt_endpoints_log_their_successes_quietly()
    {
        var endpoints = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        foreach (var route in new[] { "api/v1/seckill/activities/{id}/token", "api/v1/seckill/activities/{id}/attempts" })
            Assert.NotNull(endpoints.Single(e => e.RoutePattern.RawText?.Trim('/') == route).Metadata.GetMetadata<QuietRequestLog>());
    }
}

internal static class AssertExtensions
{
    public static void ShouldBe(this HttpStatusCode actual, HttpStatusCode expected) => Assert.Equal(expected, actual);
}
