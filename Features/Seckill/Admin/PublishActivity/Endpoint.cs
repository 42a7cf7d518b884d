using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.Admin.PublishActivity;

public sealed class Endpoint(Publisher publisher) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Post("seckill/activities/{id}/publish");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Publish (warm up) a seckill activity";
            s.Description = "Writes the activity's window, limit, price and stock to Redis under one hash tag and makes it " +
                            "visible to shoppers. Safe to repeat: a repeat never restores units that were already bought.";
            s.ResponseExamples[200] = new Response(42, 100);
            s.Responses[200] = "Published; the stock now in Redis.";
            s.Responses[400] = "The id is not a number.";
            s.Responses[404] = "No such activity.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<long>("id");
        var stock = await publisher.PublishAsync(id, ct);
        if (stock is null)
        {
            await Send.ResultAsync(Problem.NotFound("The activity"));
            return;
        }
        await Send.OkAsync(new Response(id, stock.Value), ct);
    }
}
