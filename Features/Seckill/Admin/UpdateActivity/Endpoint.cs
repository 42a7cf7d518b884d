using Dapper;
using FastEndpoints;
using Mall.Features.Seckill.Admin.PublishActivity;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Seckill.Admin.UpdateActivity;

/// <summary>Changes an activity that has not started; a published one is warmed up again with the new values.</summary>
public sealed class Endpoint(MySqlDataSource db, Publisher publisher, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string Lock = """
        SELECT sku_id AS SkuId, stock AS Stock, starts_at AS StartsAt, (published_at IS NOT NULL) AS Published
        FROM seckill_activities WHERE id = @Id FOR UPDATE
        """;

    private const string ReserveMore = """
        UPDATE skus SET locked = locked + @Delta, updated_at = @Now WHERE id = @SkuId AND stock - locked - sold >= @Delta
        """;

    private const string ReleaseSome = "UPDATE skus SET locked = locked - @Released, updated_at = @Now WHERE id = @SkuId";

    private const string Change = """
        UPDATE seckill_activities SET title = @Title, price_cents = @PriceCents, stock = @Stock, limit_per_user = @LimitPerUser,
            starts_at = @StartsAt, ends_at = @EndsAt, challenge_bits = @ChallengeBits, payment_seconds = @PaymentSeconds, updated_at = @Now
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
                            "activity is warmed up again.";
            s.ResponseExamples[200] = new Response(42, true);
            s.Responses[200] = "Changed.";
            s.Responses[400] = "Invalid fields.";
            s.Responses[404] = "No such activity.";
            s.Responses[409] = "Already started, or not enough SKU stock for the increase.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(200).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var current = await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(Lock, new { req.Id }, transaction, cancellationToken: ct));
        if (current is null)
        {
            await Send.ResultAsync(Problem.NotFound("The activity"));
            return;
        }
        if (current.StartsAt <= now)
        {
            await Send.ResultAsync(Problem.Conflict("The activity has started; it can no longer be changed."));
            return;
        }
        var delta = req.Stock - current.Stock;
        if (delta > 0 && await connection.ExecuteAsync(new CommandDefinition(ReserveMore,
                new { Delta = delta, current.SkuId, Now = now }, transaction, cancellationToken: ct)) != 1)
        {
            await Send.ResultAsync(Problem.Conflict("The SKU has not enough available stock for the increase."));
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
        await transaction.CommitAsync(ct);

        var published = current.Published;
        if (published) await publisher.PublishAsync(req.Id, ct);
        await Send.OkAsync(new Response(req.Id, published), ct);
    }

    // Settable properties, not a record: Dapper then converts the boolean expression whatever integer type the
    // server (MySQL or MariaDB) gives it.
    private sealed class Current
    {
        public long SkuId { get; set; }
        public int Stock { get; set; }
        public DateTime StartsAt { get; set; }
        public bool Published { get; set; }
    }
}
