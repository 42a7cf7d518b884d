using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.Admin.ReconcileActivity;

public sealed class Endpoint(Reconciler reconciler) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("seckill/activities/{id}/reconcile");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Check a seckill activity's stock invariant";
            s.Description = "drift = initialStock − (redisRemaining + pendingReservations + liveOrders + releasedToSku), in units " +
                            "(releasedToSku: unsold units given back to the SKU when the ended activity was closed). It must be 0 " +
                            "once the pipeline is quiet (an expiry in flight can show a transient 1).";
            s.ResponseExamples[200] = new Response(100, 13, 2, 85, 0, 0);
            s.Responses[200] = "The figures.";
            s.Responses[400] = "The id is not a number.";
            s.Responses[404] = "No such activity.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var result = await reconciler.ReconcileAsync(Route<long>("id"), ct);
        if (result is null)
        {
            await Send.ResultAsync(ActivityProblems.NotFound);
            return;
        }
        await Send.OkAsync(new Response(result.InitialStock, result.RedisRemaining, result.PendingReservations, result.LiveOrders, result.ReleasedToSku, result.Drift), ct);
    }
}
