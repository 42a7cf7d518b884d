using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.AfterSales.Admin.GetAnyAfterSale;

public sealed class Endpoint(MySqlDataSource db) : Endpoint<AfterSaleNoRequest, AfterSaleDetail>
{
    public override void Configure()
    {
        Get("after-sales/{afterSaleNo}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "One after-sale (admin)";
            s.Description = "Any shopper's after-sale with its items, photos, review and refund, and the shopper's userId.";
            s.ResponseExamples[200] = AfterSaleExamples.Detail with { UserId = 42 };
            s.Responses[200] = "The after-sale.";
            s.Responses[400] = "Malformed after-sale number.";
            s.Responses[404] = "No such after-sale (aftersale.not_found).";
        });
        Description(d => d.Produces<AfterSaleDetail>(200).ProducesProblems(400, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(AfterSaleNoRequest req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var afterSale = await AfterSaleQueries.FindAsync(connection, req.AfterSaleNo, null, ct);
        if (afterSale is null) await Send.ResultAsync(AfterSaleProblems.NotFound());
        else await Send.OkAsync(afterSale, ct);
    }
}
