using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales.ListAfterSales;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<AfterSalePageRequest, AfterSalePage>
{
    public override void Configure()
    {
        Get("after-sales");
        Summary(s =>
        {
            s.Summary = "My after-sales";
            s.Description = "Newest first, optionally of one status.";
            s.ResponseExamples[200] = AfterSaleExamples.Page;
            s.Responses[200] = "A page of after-sales.";
            s.Responses[400] = "Unknown status or bad paging.";
        });
        Description(d => d.Accepts<AfterSalePageRequest>().Produces<AfterSalePage>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(AfterSalePageRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await Send.OkAsync(await AfterSaleQueries.PageAsync(connection, User.UserId(), req, ct), ct);
    }
}
