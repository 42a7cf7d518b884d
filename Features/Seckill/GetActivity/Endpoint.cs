using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.GetActivity;

public sealed class Endpoint(ActivityQueries activities, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    internal static readonly ActivityView Example = new(42, "iPhone 秒杀",
        new SkuView(7, 3, "iPhone 17", new() { ["颜色"] = "黑", ["容量"] = "256G" }, "/images/iphone.jpg"),
        399900, 599900, DateTimeOffset.Parse("2026-11-25T12:00:00Z"), DateTimeOffset.Parse("2026-11-25T12:30:00Z"), 1, 87,
        ActivityStatus.Live);

    public override void Configure()
    {
        Get("seckill/activities/{id}");
        AllowAnonymous();
        Summary(s =>
        {
            s.Summary = "One seckill activity, with the server time";
            s.Description = "status is Upcoming, Live, SoldOut or Ended. serverTimeMs lets the client align its countdown " +
                            "with the server clock (also GET /api/v1/time and the SignalR ServerTime message).";
            s.ResponseExamples[200] = From(Example, 1764059000000);
            s.Responses[200] = "The activity.";
            s.Responses[400] = "The id is not a number.";
            s.Responses[404] = "No such published activity.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<long>("id");
        var view = await activities.FindAsync(id, ct);
        if (view is null)
        {
            await Send.ResultAsync(Problem.NotFound("The activity", code: "seckill.activity_not_found"));
            return;
        }
        await Send.OkAsync(From(view, clock.GetUtcNow().ToUnixTimeMilliseconds()), ct);
    }

    private static Response From(ActivityView v, long serverTimeMs) => new(v.Id, v.Title, v.Sku, v.PriceCents, v.OriginalPriceCents,
        v.StartsAt, v.EndsAt, v.LimitPerUser, v.StockLeft, v.Status, serverTimeMs, v.ChallengeBits);
}
