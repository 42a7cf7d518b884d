using FastEndpoints;

namespace Mall.Features.Seckill.ListActivities;

public sealed class Endpoint(ActivityQueries activities, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("seckill/activities");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "Upcoming and live seckill activities";
            s.Description = "Published activities that have not ended, soonest first, with live stock and the server time " +
                            "(for countdowns).";
            s.ResponseExamples[200] = new Response([GetActivity.Endpoint.Example], 1764059000000);
            s.Responses[200] = "The activities.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var items = await activities.ListAsync(ct);
        await Send.OkAsync(new Response(items, clock.GetUtcNow().ToUnixTimeMilliseconds()), ct);
    }
}
