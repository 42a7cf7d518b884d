using FastEndpoints;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Catalog.Admin.ListAllBanners;

public sealed class Endpoint(MySqlDataSource db) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("banners");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Every home page banner (admin)";
            s.Description = "Enabled or not, in or out of their window, by position then id. Never cached.";
            s.ResponseExamples[200] = new Response([AdminBanners.Example]);
            s.Responses[200] = "The banners.";
        });
        Description(d => d.Produces<Response>(200), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await Send.OkAsync(new Response(await AdminBanners.AllAsync(connection, ct)), ct);
    }
}
