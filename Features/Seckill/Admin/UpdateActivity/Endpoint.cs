using Dapper;
using FastEndpoints;
using Mall.Features.Seckill.Admin.PublishActivity;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Seckill.Admin.UpdateActivity;

/// <summary>
/// Changes an activity that has not started. MySQL first (the row, the SKU's locked units, version + 1 and the audit
/// record in one transaction), then a published one is warmed up again with the new values; a crash in between is
/// finished by the recovery pass (warmed_version &lt; version).
/// </summary>
public sealed class Endpoint(MySqlDataSource db, Publisher publisher, AdminAudit audit, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string ReserveMore = """
        UPDATE skus SET locked = locked + @Delta, updated_at = @Now WHERE id = @SkuId AND stock - locked - sold >= @Delta
        """;

    private const string ReleaseSome = "UPDATE skus SET locked = locked - @Released, updated_at = @Now WHERE id = @SkuId";

    private const string Change = """
        UPDATE seckill_activities SET title = @Title, price_cents = @PriceCents, stock = @Stock, limit_per_user = @LimitPerUser,
            starts_at = @StartsAt, ends_at = @EndsAt, challenge_bits = @ChallengeBits, payment_seconds = @PaymentSeconds,
            version = version + 1, updated_at = @Now
        WHERE id = @Id
        """;

    public override void Configure()
    {
        Put("seckill/activities/{id}");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Change a seckill activity before it starts";
            s.Description = "Stock changes move units between the SKU's available stock and the activity. A published " +
                            "activity is warmed up again (MySQL is written first; the recovery pass finishes a warm-up a crash interrupted).";
            s.ResponseExamples[200] = new Response(42, true);
            s.Responses[200] = "Changed.";
            s.Responses[400] = "Invalid fields.";
            s.Responses[404] = "No such activity (code seckill.activity_not_found).";
            s.Responses[409] = "Refused, with a code: seckill.started (it has started), seckill.ended, seckill.cancelled, " +
                               "seckill.sku_stock_insufficient (not enough SKU stock for the increase).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var current = await ActivityRecord.LockAsync(connection, transaction, req.Id, ct);
        var refusal = current switch
        {
            null => ActivityProblems.NotFound,
            { Cancelled: true } => ActivityProblems.Cancelled,
            _ when current.Ended(now) => ActivityProblems.Ended,
            _ when current.Started(now) => ActivityProblems.Started,
            _ => null,
        };
        if (refusal is not null)
        {
            await Send.ResultAsync(refusal);
            return;
        }
        var delta = req.Stock - current!.Stock;
        if (delta > 0 && await connection.ExecuteAsync(new CommandDefinition(ReserveMore,
                new { Delta = delta, current.SkuId, Now = now }, transaction, cancellationToken: ct)) != 1)
        {
            await Send.ResultAsync(ActivityProblems.SkuStockInsufficient);
            return;
        }
        if (delta < 0)
            await connection.ExecuteAsync(new CommandDefinition(ReleaseSome, new { Released = -delta, current.SkuId, Now = now },
                transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(Change, new
        {
            req.Id, Title = req.Title.Trim(), req.PriceCents, req.Stock, req.LimitPerUser, req.ChallengeBits, req.PaymentSeconds,
            StartsAt = req.StartsAt.UtcDateTime, EndsAt = req.EndsAt.UtcDateTime, Now = now,
        }, transaction, cancellationToken: ct));
        var changed = await ActivityRecord.LockAsync(connection, transaction, req.Id, ct);
        await audit.WriteAsync(connection, transaction, HttpContext, "activity.update", "activity", req.Id, current, changed, ct);
        await transaction.CommitAsync(ct);

        // A draft has nothing in Redis; the call only records that it is up to date (else the recovery pass would).
        await publisher.WarmAsync(req.Id, ct);
        await Send.OkAsync(new Response(req.Id, current.Published), ct);
    }
}
