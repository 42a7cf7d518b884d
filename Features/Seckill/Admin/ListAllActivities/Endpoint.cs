using FastEndpoints;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin.ListAllActivities;

public sealed class Endpoint(MySqlDataSource db, IDatabase redis, TimeProvider clock) : Endpoint<Request, AdminActivityPage>
{
    public override void Configure()
    {
        Get("seckill/activities");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "All seckill activities (admin)";
            s.Description = "Every activity in every state, drafts and cancelled ones included, newest first, optionally of one " +
                            "status (Draft, Scheduled, Live, SoldOut, Ended, Cancelled); each with its SKU, price, stock, units sold " +
                            "and remaining (live from Redis) and its times.";
            s.ResponseExamples[200] = AdminActivityExamples.Page;
            s.Responses[200] = "A page of activities.";
            s.Responses[400] = "Unknown status or bad paging.";
        });
        Description(d => d.Accepts<Request>().Produces<AdminActivityPage>(200).ProducesProblems(400), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await Send.OkAsync(await AdminActivityQueries.PageAsync(connection, redis, req.Status, req.Page, req.PageSize,
            clock.GetUtcNow().UtcDateTime, ct), ct);
    }
}
