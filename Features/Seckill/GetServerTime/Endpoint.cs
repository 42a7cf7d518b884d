using FastEndpoints;

namespace Mall.Features.Seckill.GetServerTime;

public sealed class Endpoint(TimeProvider clock) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("time");
        AllowAnonymous();
        Options(b => b.WithMetadata(new Mall.Infrastructure.QuietRequestLog()));
        Summary(s =>
        {
            s.Summary = "Server time";
            s.Description = "Unix milliseconds. Clients estimate their offset as serverTimeMs − (sent + received) / 2.";
            s.ResponseExamples[200] = new Response(1764059000000);
            s.Responses[200] = "The server's clock.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override Task HandleAsync(CancellationToken ct) =>
        Send.OkAsync(new Response(clock.GetUtcNow().ToUnixTimeMilliseconds()), ct);
}
