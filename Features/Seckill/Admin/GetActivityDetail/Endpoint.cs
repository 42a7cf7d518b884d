using FastEndpoints;
using Mall.Features.Seckill.Admin.ReconcileActivity;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin.GetActivityDetail;

public sealed class Endpoint(MySqlDataSource db, IDatabase redis, Reconciler reconciler, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("seckill/activities/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "One seckill activity, with its reconciliation (admin)";
            s.Description = "The activity as the list shows it, drafts and cancelled ones included, plus the stock invariant's " +
                            "figures: drift = initialStock − (redisRemaining + pendingReservations + liveOrders + releasedToSku).";
            s.ResponseExamples[200] = new Response(AdminActivityExamples.Activity, new Figures(100, 13, 2, 85, 0, 0));
            s.Responses[200] = "The activity and its figures.";
            s.Responses[400] = "The id is not a number.";
            s.Responses[404] = "No such activity (code seckill.activity_not_found).";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<long>("id");
        AdminActivity? activity;
        await using (var connection = await db.OpenConnectionAsync(ct))
            activity = await AdminActivityQueries.FindAsync(connection, redis, id, clock.GetUtcNow().UtcDateTime, ct);
        var figures = activity is null ? null : await reconciler.ReconcileAsync(id, ct);
        if (activity is null || figures is null)
        {
            await Send.ResultAsync(ActivityProblems.NotFound);
            return;
        }
        await Send.OkAsync(new Response(activity, new Figures(figures.InitialStock, figures.RedisRemaining, figures.PendingReservations,
            figures.LiveOrders, figures.ReleasedToSku, figures.Drift)), ct);
    }
}
