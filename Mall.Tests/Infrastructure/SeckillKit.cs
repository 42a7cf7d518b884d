using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Mall.Features.Seckill;
using Mall.Features.Seckill.OrderWriter;
using Mall.Infrastructure.Auth;

namespace Mall.Tests.Infrastructure;

/// <summary>A shopper known only by id and bearer token (minted with the app's own issuer, no slow register).</summary>
public sealed record Buyer(long UserId, string AccessToken);

/// <summary>The seckill test fixture: short grace periods and generous rate limits unless a test says otherwise.</summary>
public sealed class SeckillApp() : MallApp(TestHost.Seckill);

public static class SeckillKit
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MallApp, Task<Shopper>> Admins = new();

    /// <summary>The admin, signed in once per app (sign-in hashes a password on purpose slowly).</summary>
    public static Task<Shopper> CachedAdminAsync(this MallApp app) => Admins.GetValue(app, a => a.AdminAsync());

    /// <summary>A category, an on-shelf product and one SKU with the given stock, straight in SQL.</summary>
    public static async Task<long> CreateSkuAsync(this MallApp app, int stock, long priceCents = 10_000)
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>("""
            INSERT INTO categories (name) VALUES ('秒杀测试');
            INSERT INTO products (category_id, title, description, images, created_at, updated_at)
            VALUES (LAST_INSERT_ID(), '测试商品', '', '["/img/p.jpg"]', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
            INSERT INTO skus (product_id, specs, price_cents, stock, created_at, updated_at)
            VALUES (LAST_INSERT_ID(), '{"颜色":"黑"}', @Price, @Stock, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
            SELECT LAST_INSERT_ID();
            """, new { Stock = stock, Price = priceCents });
    }

    /// <summary>Creates and publishes an activity through the admin API; by default live now for an hour.</summary>
    public static async Task<long> CreateActivityAsync(this MallApp app, int stock, int limitPerUser = 1, long priceCents = 990,
        DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null, bool publish = true, int challengeBits = 0, int? paymentSeconds = null)
    {
        var admin = await app.CachedAdminAsync();
        var skuId = await app.CreateSkuAsync(stock + 10);
        var start = startsAt ?? DateTimeOffset.UtcNow.AddSeconds(-1);
        var response = await admin.Client.PostAsJsonAsync("/api/v1/admin/seckill/activities", new
        {
            skuId, title = "秒杀", priceCents, stock, limitPerUser, startsAt = start, endsAt = endsAt ?? start.AddHours(1), challengeBits, paymentSeconds,
        });
        var id = (await response.ReadAsync<IdBody>(HttpStatusCode.Created)).Id;
        if (publish) (await admin.Client.PostAsync($"/api/v1/admin/seckill/activities/{id}/publish", null)).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>Users inserted in one statement, with access tokens minted by the app's AccessTokenIssuer.</summary>
    public static async Task<List<Buyer>> InsertBuyersAsync(this MallApp app, int count)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var sql = new StringBuilder("INSERT INTO users (account, password_hash, nickname, role, created_at, updated_at) VALUES ");
        for (var i = 0; i < count; i++)
            sql.Append(i == 0 ? "" : ",").Append($"('b{i}-{tag}@test.mall', 'x', 'b{i}', 'shopper', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))");
        await using var db = await app.OpenDbAsync();
        await db.ExecuteAsync(sql.ToString());
        var ids = await db.QueryAsync<long>("SELECT id FROM users WHERE account LIKE @Pattern ORDER BY id", new { Pattern = $"%-{tag}@test.mall" });
        var issuer = app.Service<AccessTokenIssuer>();
        return ids.Select(id => new Buyer(id, issuer.Issue(id, Roles.Shopper, "seckill-test").Token)).ToList();
    }

    public static async Task<Buyer> BuyerAsync(this MallApp app) => (await app.InsertBuyersAsync(1))[0];

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, Buyer buyer, HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer.AccessToken);
        if (body is not null) request.Content = JsonContent.Create(body);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> RequestTokenAsync(this HttpClient client, Buyer buyer, long activityId) =>
        client.SendAsync(buyer, HttpMethod.Post, $"/api/v1/seckill/activities/{activityId}/token");

    public static async Task<string> TokenAsync(this HttpClient client, Buyer buyer, long activityId) =>
        (await (await client.RequestTokenAsync(buyer, activityId)).ReadAsync<TokenBody>()).Token;

    public static Task<HttpResponseMessage> AttemptAsync(this HttpClient client, Buyer buyer, long activityId, string token, int quantity = 1) =>
        client.SendAsync(buyer, HttpMethod.Post, $"/api/v1/seckill/activities/{activityId}/attempts", new { token, quantity });

    /// <summary>Token (a new one unless given) then attempt; the reservation id of a 202.</summary>
    public static async Task<string> BuyAsync(this HttpClient client, Buyer buyer, long activityId, int quantity = 1, string? token = null)
    {
        var response = await client.AttemptAsync(buyer, activityId, token ?? await client.TokenAsync(buyer, activityId), quantity);
        return (await response.ReadAsync<ReservationBody>(HttpStatusCode.Accepted)).ReservationId;
    }

    public static async Task<ReconcileBody> ReconcileAsync(this MallApp app, long activityId)
    {
        var admin = await app.CachedAdminAsync();
        return await (await admin.Client.GetAsync($"/api/v1/admin/seckill/activities/{activityId}/reconcile")).ReadAsync<ReconcileBody>();
    }

    public static async Task<long> CountAsync(this MallApp app, string sql, object? args = null)
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>(sql, args);
    }

    public static Task<long> OrdersAsync(this MallApp app, long activityId) =>
        app.CountAsync("SELECT COUNT(*) FROM orders WHERE activity_id = @Id", new { Id = activityId });

    public static Task WaitForOrdersAsync(this MallApp app, long activityId, long expected, int seconds = 20) =>
        Http.EventuallyAsync(async () => await app.OrdersAsync(activityId) == expected, TimeSpan.FromSeconds(seconds),
            $"{expected} orders for activity {activityId}");

    /// <summary>Writes one queued reservation's order as the writer does, for apps that run without it; the log entry goes.</summary>
    public static async Task WriteOrderAsync(this MallApp app, long activityId, string reservationId)
    {
        Assert.True(Reservation.TryParseId(reservationId, out _, out var entryId));
        var entry = Assert.Single(await app.Redis.StreamRangeAsync(new ActivityKeys(activityId).Log, entryId, entryId));
        await app.Service<OrderBatchWriter>().WriteAsync([Reservation.FromEntry(activityId, entry)], CancellationToken.None);
    }

    public static async Task<long> RedisStockAsync(this MallApp app, long activityId) =>
        (long)await app.Redis.StringGetAsync($"sk:{{a{activityId}}}:stock");

    public sealed record IdBody(long Id);
    public sealed record TokenBody(string Token, DateTimeOffset ExpiresAt);
    public sealed record ReservationBody(string ReservationId, string Status, string? OrderNo = null);
    public sealed record ReconcileBody(long InitialStock, long RedisRemaining, long PendingReservations, long LiveOrders, long ReleasedToSku, long Drift);
}
