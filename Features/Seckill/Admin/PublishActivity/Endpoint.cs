using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Seckill.Admin.PublishActivity;

/// <summary>
/// Publishes a draft: MySQL first (published_at, version + 1 and the audit record in one transaction), then the warm-up
/// into Redis; a crash in between is finished by the recovery pass (warmed_version &lt; version).
/// </summary>
public sealed class Endpoint(MySqlDataSource db, Publisher publisher, AdminAudit audit, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    private const string MarkPublished = """
        UPDATE seckill_activities SET published_at = @Now, version = version + 1, updated_at = @Now WHERE id = @Id
        """;

    public override void Configure()
    {
        Post("seckill/activities/{id}/publish");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Publish (warm up) a seckill activity";
            s.Description = "Makes a draft visible to shoppers and writes its window, limit, price and stock to Redis under one " +
                            "hash tag. Once only: a published activity is warmed up again by its changes (PUT), never by a second publish.";
            s.ResponseExamples[200] = new Response(42, 100);
            s.Responses[200] = "Published; the stock now in Redis.";
            s.Responses[400] = "The id is not a number.";
            s.Responses[404] = "No such activity (code seckill.activity_not_found).";
            s.Responses[409] = "Refused, with a code: seckill.already_published, seckill.ended, seckill.cancelled.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<long>("id");
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var current = await ActivityRecord.LockAsync(connection, transaction, id, ct);
            var refusal = current switch
            {
                null => ActivityProblems.NotFound,
                { Cancelled: true } => ActivityProblems.Cancelled,
                _ when current.Ended(now) => ActivityProblems.Ended,
                { Published: true } => ActivityProblems.AlreadyPublished,
                _ => null,
            };
            if (refusal is not null)
            {
                await Send.ResultAsync(refusal);
                return;
            }
            await connection.ExecuteAsync(new CommandDefinition(MarkPublished, new { Id = id, Now = now }, transaction, cancellationToken: ct));
            var published = await ActivityRecord.LockAsync(connection, transaction, id, ct);
            await audit.WriteAsync(connection, transaction, HttpContext, "activity.publish", "activity", id, current, published, ct);
            await transaction.CommitAsync(ct);
        }
        var stock = await publisher.WarmAsync(id, ct);
        await Send.OkAsync(new Response(id, stock ?? 0), ct);
    }
}
