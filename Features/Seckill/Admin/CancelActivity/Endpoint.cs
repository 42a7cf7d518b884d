using Dapper;
using FastEndpoints;
using Mall.Features.Seckill.Admin.PublishActivity;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Seckill.Admin.CancelActivity;

/// <summary>
/// Cancels an activity that has not ended. MySQL first: cancelled_at, version + 1 and the audit record in one
/// transaction (a draft, which has nothing in Redis, also gives its units back to the SKU and closes in it). Then the
/// Redis half (<see cref="Canceller"/>, through the warm-up): every instance's attempts answer 410 "cancelled" from then
/// on, and the unsold units go back to the SKU once. Accepted reservations still become orders. A crash in between is
/// finished by the recovery pass; a repeat finishes it too, and changes nothing else.
/// </summary>
public sealed class Endpoint(MySqlDataSource db, Publisher publisher, AdminAudit audit, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    private const string CancelPublished = """
        UPDATE seckill_activities SET cancelled_at = @Now, version = version + 1, updated_at = @Now WHERE id = @Id
        """;

    // Nothing of a draft is in Redis: its units go back to the SKU now, and it is settled (closed) at once.
    private const string CancelDraft = """
        UPDATE seckill_activities SET cancelled_at = @Now, cancel_released_at = @Now, closed_at = @Now, released_units = stock,
            warmed_version = version + 1, version = version + 1, updated_at = @Now
        WHERE id = @Id
        """;

    private const string ReleaseDraft = "UPDATE skus SET locked = locked - @Stock, updated_at = @Now WHERE id = @SkuId";

    private const string Released = "SELECT released_units FROM seckill_activities WHERE id = @Id";

    public override void Configure()
    {
        Post("seckill/activities/{id}/cancel");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Cancel a seckill activity (admin)";
            s.Description = "Stops the activity at once on every instance (attempts and tokens answer 410, code " +
                            "seckill.activity_cancelled), gives its unsold units back to the SKU exactly once, and still writes every " +
                            "reservation already accepted as an order. Shoppers' pages are told over SignalR (ActivityCancelled). " +
                            "Repeating it is harmless.";
            s.ResponseExamples[200] = new Response(42, AdminActivityStatus.Cancelled, DateTimeOffset.Parse("2026-11-25T12:05:00Z"), 13, false);
            s.Responses[200] = "Cancelled (or already cancelled: alreadyCancelled = true).";
            s.Responses[400] = "The id is not a number.";
            s.Responses[404] = "No such activity (code seckill.activity_not_found).";
            s.Responses[409] = "The activity has ended (code seckill.ended).";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<long>("id");
        var now = clock.GetUtcNow().UtcDateTime;
        ActivityRecord current;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var found = await ActivityRecord.LockAsync(connection, transaction, id, ct);
            if (found is null)
            {
                await Send.ResultAsync(ActivityProblems.NotFound);
                return;
            }
            current = found;
            if (!current.Cancelled)
            {
                if (current.Ended(now))
                {
                    await Send.ResultAsync(ActivityProblems.Ended);
                    return;
                }
                var args = new { Id = id, current.SkuId, current.Stock, Now = now };
                await connection.ExecuteAsync(new CommandDefinition(current.Published ? CancelPublished : CancelDraft, args, transaction,
                    cancellationToken: ct));
                if (!current.Published) await connection.ExecuteAsync(new CommandDefinition(ReleaseDraft, args, transaction, cancellationToken: ct));
                var cancelled = await ActivityRecord.LockAsync(connection, transaction, id, ct);
                await audit.WriteAsync(connection, transaction, HttpContext, "activity.cancel", "activity", id, current, cancelled, ct);
                await transaction.CommitAsync(ct);
            }
        }
        // Also on a repeat: it finishes a cancel whose Redis half an earlier call (or a crash) left undone.
        await publisher.WarmAsync(id, ct);

        long released;
        await using (var connection = await db.OpenConnectionAsync(ct))
            released = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Released, new { Id = id }, cancellationToken: ct));
        var cancelledAt = current.CancelledAt ?? now;
        await Send.OkAsync(new Response(id, AdminActivityStatus.Cancelled, new DateTimeOffset(DateTime.SpecifyKind(cancelledAt, DateTimeKind.Utc)),
            released, current.Cancelled), ct);
    }
}
