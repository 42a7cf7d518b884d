using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales.GetAfterSale;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<AfterSaleNoRequest, AfterSaleDetail>
{
    public override void Configure()
    {
        Get("after-sales/{afterSaleNo}");
        Summary(s =>
        {
            s.Summary = "One of my after-sales";
            s.Description = "Its items, photos, the admin's note and its refund. Another shopper's after-sale is a 404.";
            s.ResponseExamples[200] = AfterSaleExamples.Detail;
            s.Responses[200] = "The after-sale.";
            s.Responses[400] = "Malformed after-sale number.";
            s.Responses[404] = "No such after-sale of yours (aftersale.not_found).";
        });
        Description(d => d.Produces<AfterSaleDetail>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(AfterSaleNoRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var afterSale = await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, User.UserId(), ct);
        if (afterSale is null) await Send.ResultAsync(AfterSaleProblems.NotFound());
        else await Send.OkAsync(afterSale, ct);
    }
}
