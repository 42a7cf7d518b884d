using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>
/// Cancelling an activity: it stops at once on every instance (Redis answers), accepted reservations still become
/// orders, the unsold units go back to the SKU exactly once, the invariant holds, and a repeat changes nothing.
/// </summary>
public sealed class AdminCancelTests(SeckillAdminApp app) : IClassFixture<SeckillAdminApp>
{
    private const string Activities = "/api/v1/admin/seckill/activities";
    private readonly HttpClient _client = app.CreateClient();

    [Fact]
    public async Task Cancel_mid_burst_stops_attempts_writes_every_accepted_reservation_and_returns_the_rest_once()
    {
        const int stock = 200;
        var admin = await app.CachedAdminAsync();
        var activity = await app.CreateActivityAsync(stock: stock);
        var skuId = await app.CountAsync("SELECT sku_id FROM seckill_activities WHERE id = @Id", new { Id = activity });
        var buyers = new ConcurrentQueue<Buyer>(await app.InsertBuyersAsync(400));
        var accepted = new ConcurrentBag<string>();
        var cancelledAnswers = 0;
        var others = new ConcurrentBag<string>();

        // Eight shoppers' streams of token + attempt, still running while the operator cancels.
        var burst = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var client = app.CreateClient();
            while (buyers.TryDequeue(out var buyer))
            {
                var token = await client.RequestTokenAsync(buyer, activity);
                var response = token.StatusCode == HttpStatusCode.OK
                    ? await client.AttemptAsync(buyer, activity, (await token.ReadAsync<SeckillKit.TokenBody>()).Token)
                    : token;
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Accepted)
                    accepted.Add(JsonDocument.Parse(body).RootElement.GetProperty("reservationId").GetString()!);
                else if (response.StatusCode == HttpStatusCode.Gone && JsonDocument.Parse(body).RootElement.GetProperty("code").GetString() == "seckill.activity_cancelled")
                    Interlocked.Increment(ref cancelledAnswers);
                else
                    others.Add($"{(int)response.StatusCode} {body}");
            }
        })).ToList();

        await Http.EventuallyAsync(() => Task.FromResult(accepted.Count >= 20), because: "the burst is under way");
        var cancel = await (await admin.Client.PostAsync($"{Activities}/{activity}/cancel", null)).ReadAsync<CancelBody>();
        Assert.Equal(("Cancelled", false), (cancel.Status, cancel.AlreadyCancelled));
        // From the moment the cancel answered, nothing more is sold.
        var acceptedAtCancel = accepted.Count;
        await Task.WhenAll(burst);

        Assert.Empty(others);
        Assert.True(cancelledAnswers > 0, "attempts after the cancel are told it was cancelled");
        Assert.InRange(accepted.Count, acceptedAtCancel, stock);
        var sold = accepted.Count;
        Assert.Equal(stock - sold, cancel.ReleasedToSku);

        // Every accepted reservation is an order, exactly once.
        await app.WaitForOrdersAsync(activity, sold);
        Assert.Equal(sold, await app.CountAsync("SELECT COUNT(*) FROM orders WHERE reservation_id IN @Ids", new { Ids = accepted.ToArray() }));
        Assert.Equal(sold, await app.CountAsync("SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.activity_id = @Id",
            new { Id = activity }));

        // The unsold units are the SKU's again; the sold ones stay locked for their orders.
        Assert.Equal(sold, await app.CountAsync("SELECT locked FROM skus WHERE id = @Id", new { Id = skuId }));
        Assert.Equal(stock - sold, await app.CountAsync("SELECT released_units FROM seckill_activities WHERE id = @Id", new { Id = activity }));
        Assert.Equal(0, await app.RedisStockAsync(activity));
        Assert.Equal(new SeckillKit.ReconcileBody(stock, 0, 0, sold, stock - sold, 0), await app.ReconcileAsync(activity));

        // Anyone still trying is told at once, by the token step and by the attempt itself.
        var late = await app.BuyerAsync();
        await ShouldBeCancelledAsync(await _client.RequestTokenAsync(late, activity));
        await ShouldBeCancelledAsync(await _client.AttemptAsync(late, activity, "any-token"));

        // A second cancel is harmless: nothing more released, no second audit record or broadcast.
        var again = await (await admin.Client.PostAsync($"{Activities}/{activity}/cancel", null)).ReadAsync<CancelBody>();
        Assert.Equal(("Cancelled", true, stock - sold), (again.Status, again.AlreadyCancelled, again.ReleasedToSku));
        Assert.Equal(sold, await app.CountAsync("SELECT locked FROM skus WHERE id = @Id", new { Id = skuId }));
        Assert.Equal(new SeckillKit.ReconcileBody(stock, 0, 0, sold, stock - sold, 0), await app.ReconcileAsync(activity));
        Assert.Equal(1, await app.CountAsync("SELECT COUNT(*) FROM admin_audit WHERE action = 'activity.cancel' AND entity_id = @Id",
            new { Id = activity.ToString() }));
        var hub = app.Service<RecordingHubContext>();
        Assert.Single(hub.Sent, m => m.Target == "all" && m.Method == "ActivityCancelled"
                                     && JsonSerializer.SerializeToElement(m.Args[0], Http.Json).GetProperty("activityId").GetInt64() == activity);

        // The shopper's list no longer offers it; its page shows it over.
        var list = await _client.GetStringAsync("/api/v1/seckill/activities");
        Assert.DoesNotContain($"\"id\":{activity},", list);
        var page = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/seckill/activities/{activity}")).RootElement;
        Assert.Equal(("Ended", 0), (page.GetProperty("status").GetString(), page.GetProperty("stockLeft").GetInt32()));
    }

    [Fact]
    public async Task The_live_panel_counts_attempts_accepted_written_backlog_and_drift()
    {
        var admin = await app.CachedAdminAsync();
        var activity = await app.CreateActivityAsync(stock: 2);
        var buyers = await app.InsertBuyersAsync(3);
        var tokens = new List<string>();
        foreach (var buyer in buyers) tokens.Add(await _client.TokenAsync(buyer, activity));
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Accepted, (await _client.AttemptAsync(buyers[i], activity, tokens[i])).StatusCode);
        var refused = await _client.AttemptAsync(buyers[2], activity, tokens[2]);
        Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
        await app.WaitForOrdersAsync(activity, 2);

        Panel? entry = null;
        await Http.EventuallyAsync(async () =>
        {
            var panel = await (await admin.Client.GetAsync("/api/v1/admin/seckill/live")).ReadAsync<PanelBody>();
            entry = panel.Activities.SingleOrDefault(a => a.Id == activity);
            return entry is not null && entry.Attempts.GetValueOrDefault("accepted") == 2
                   && entry.Attempts.GetValueOrDefault("sold_out") + entry.Attempts.GetValueOrDefault("sold_out_local") == 1;
        }, because: "every instance's counts reach Redis");
        Assert.Equal(("SoldOut", 2L, 2L, 0L, 0L), (entry!.Status, entry.Accepted, entry.Written, entry.Backlog, entry.Drift));

        var draft = await app.CreateActivityAsync(stock: 1, publish: false);
        var all = await (await admin.Client.GetAsync("/api/v1/admin/seckill/live?recentMinutes=5")).ReadAsync<PanelBody>();
        Assert.DoesNotContain(all.Activities, a => a.Id == draft);
        await (await admin.Client.GetAsync("/api/v1/admin/seckill/live?recentMinutes=0")).ShouldBeValidationErrorAsync("recentMinutes");
        var shopper = await app.BuyerAsync();
        await (await _client.SendAsync(shopper, HttpMethod.Get, "/api/v1/admin/seckill/live")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Cancelling_a_draft_gives_all_its_units_back_at_once_and_an_ended_activity_cannot_be_cancelled()
    {
        var admin = await app.CachedAdminAsync();
        var draft = await app.CreateActivityAsync(stock: 6, startsAt: DateTimeOffset.UtcNow.AddMinutes(5), publish: false);
        var skuId = await app.CountAsync("SELECT sku_id FROM seckill_activities WHERE id = @Id", new { Id = draft });
        var cancel = await (await admin.Client.PostAsync($"{Activities}/{draft}/cancel", null)).ReadAsync<CancelBody>();
        Assert.Equal(6, cancel.ReleasedToSku);
        Assert.Equal(0, await app.CountAsync("SELECT locked FROM skus WHERE id = @Id", new { Id = skuId }));
        Assert.Equal(1, await app.CountAsync("SELECT COUNT(*) FROM seckill_activities WHERE id = @Id AND closed_at IS NOT NULL", new { Id = draft }));
        Assert.Equal(0, (await app.ReconcileAsync(draft)).Drift);
        (await admin.Client.PostAsync($"{Activities}/{draft}/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal(0, await app.CountAsync("SELECT locked FROM skus WHERE id = @Id", new { Id = skuId }));

        var ended = await app.CreateActivityAsync(stock: 2);
        await app.CountAsync("UPDATE seckill_activities SET ends_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = @Id; SELECT 0", new { Id = ended });
        var problem = await (await admin.Client.PostAsync($"{Activities}/{ended}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("seckill.ended", problem.GetProperty("code").GetString());
        var missing = await (await admin.Client.PostAsync($"{Activities}/999999/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("seckill.activity_not_found", missing.GetProperty("code").GetString());

        var shopper = await app.BuyerAsync();
        var live = await app.CreateActivityAsync(stock: 2);
        await (await _client.SendAsync(shopper, HttpMethod.Post, $"{Activities}/{live}/cancel")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(2, await app.RedisStockAsync(live));
    }

    [Fact]
    public async Task A_cancel_whose_redis_half_never_happened_is_finished_by_the_recovery_pass_once()
    {
        var activity = await app.CreateActivityAsync(stock: 4);
        var skuId = await app.CountAsync("SELECT sku_id FROM seckill_activities WHERE id = @Id", new { Id = activity });
        await _client.BuyAsync(await app.BuyerAsync(), activity);
        await app.WaitForOrdersAsync(activity, 1);
        // What a crash right after the cancel's commit leaves: MySQL says cancelled, Redis still sells.
        await app.CountAsync("UPDATE seckill_activities SET cancelled_at = UTC_TIMESTAMP(3), version = version + 1 WHERE id = @Id; SELECT 0",
            new { Id = activity });

        await Http.EventuallyAsync(async () => await app.CountAsync("SELECT locked FROM skus WHERE id = @Id", new { Id = skuId }) == 1,
            because: "recovery finishes the cancel");
        Assert.Equal(3, await app.CountAsync("SELECT released_units FROM seckill_activities WHERE id = @Id", new { Id = activity }));
        await ShouldBeCancelledAsync(await _client.RequestTokenAsync(await app.BuyerAsync(), activity));
        Assert.Equal(new SeckillKit.ReconcileBody(4, 0, 0, 1, 3, 0), await app.ReconcileAsync(activity));
        // Running it again (any instance, any time) releases nothing more.
        await app.Service<Mall.Features.Seckill.Admin.PublishActivity.Publisher>().WarmAsync(activity, CancellationToken.None);
        Assert.Equal(1, await app.CountAsync("SELECT locked FROM skus WHERE id = @Id", new { Id = skuId }));
    }

    private static async Task ShouldBeCancelledAsync(HttpResponseMessage response)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Gone);
        Assert.Equal("seckill.activity_cancelled", problem.GetProperty("code").GetString());
        Assert.Equal("The activity was cancelled.", problem.GetProperty("detail").GetString());
    }

    public sealed record CancelBody(long Id, string Status, DateTimeOffset CancelledAt, long ReleasedToSku, bool AlreadyCancelled);
    public sealed record Panel(long Id, string Title, string Status, int Stock, long Remaining, Dictionary<string, long> Attempts, long Accepted,
        long Written, long Backlog, long? Drift);
    public sealed record PanelBody(List<Panel> Activities, long ServerTimeMs);
}
