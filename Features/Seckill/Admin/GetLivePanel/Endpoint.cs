using Dapper;
using FastEndpoints;
using Mall.Features.Seckill.Admin.ReconcileActivity;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin.GetLivePanel;

/// <summary>
/// The operator's live panel: for every activity running now or ended (or cancelled) recently, the attempts by result
/// (Redis counters every instance adds to), what was accepted, what is written, the backlog between them, and the
/// drift from the reconciliation. Made to be polled during a burst: it reads the whole log only while it is short.
/// </summary>
public sealed class Endpoint(MySqlDataSource db, IDatabase redis, Reconciler reconciler, SeckillOptions options, TimeProvider clock)
    : Endpoint<Request, Response>
{
    private const string Running = """
        a.published_at IS NOT NULL AND a.starts_at <= @Now AND COALESCE(LEAST(a.ends_at, a.cancelled_at), a.ends_at) > @Since
        ORDER BY a.starts_at DESC, a.id DESC LIMIT 50
        """;

    private const string Written = "SELECT COUNT(*) FROM orders WHERE activity_id = @Id";

    public override void Configure()
    {
        Get("seckill/live");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Live panel of running and recent seckill activities (admin)";
            s.Description = "For each activity that has started and has not been over (ended or cancelled) for longer than " +
                            "recentMinutes: attempts by result, accepted, written (orders in MySQL), backlog (accepted − written) " +
                            "and drift. Safe to poll during a burst.";
            s.ResponseExamples[200] = new Response([new PanelActivity(42, "iPhone 秒杀", AdminActivityStatus.Live, 100, 13,
                new Dictionary<string, long> { ["accepted"] = 87, ["sold_out"] = 0, ["bad_token"] = 3, ["rate_limited"] = 120 },
                87, 85, 2, 0)], 1764059000000);
            s.Responses[200] = "The panel.";
            s.Responses[400] = "recentMinutes outside 1–1440.";
        });
        Description(d => d.Accepts<Request>().Produces<Response>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        var activities = await AdminActivityQueries.ViewsAsync(await AdminActivityQueries.RowsAsync(connection, Running,
            new { Now = now.UtcDateTime, Since = (now - TimeSpan.FromMinutes(req.RecentMinutes)).UtcDateTime }, ct), redis, now.UtcDateTime);

        var panel = new List<PanelActivity>(activities.Count);
        foreach (var activity in activities)
        {
            var keys = new ActivityKeys(activity.Id);
            var attempts = redis.HashGetAllAsync(keys.Attempts);
            var queued = await redis.StreamLengthAsync(keys.Log);
            // Reconciled first, counted after: an order written in between shows in both (accepted one too many for a
            // moment), never in neither.
            var reconciled = queued <= options.ReconcileMaxQueued ? await reconciler.ReconcileAsync(activity.Id, ct) : null;
            var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Written, new { activity.Id }, cancellationToken: ct));
            var backlog = reconciled?.UnwrittenReservations ?? queued;
            panel.Add(new PanelActivity(activity.Id, activity.Title, activity.Status, activity.Stock, activity.Remaining,
                (await attempts).ToDictionary(e => e.Name.ToString(), e => (long)e.Value), count + backlog, count, backlog, reconciled?.Drift));
        }
        await Send.OkAsync(new Response(panel, now.ToUnixTimeMilliseconds()), ct);
    }
}
