using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;

namespace Mall.Features.Seckill.Admin.CreateActivity;

public sealed class Endpoint(MySqlDataSource db, AdminAudit audit, TimeProvider clock) : Endpoint<Request, Response>
{
    // The activity's units leave the SKU's available stock now (locked), so normal checkout can never sell them.
    private const string ReserveStock = """
        UPDATE skus SET locked = locked + @Stock, updated_at = @Now
        WHERE id = @SkuId AND stock - locked - sold >= @Stock
        """;

    private const string SkuExists = "SELECT COUNT(*) FROM skus WHERE id = @SkuId";

    private const string Insert = """
        INSERT INTO seckill_activities (sku_id, title, price_cents, stock, limit_per_user, starts_at, ends_at, challenge_bits, payment_seconds, created_at, updated_at)
        VALUES (@SkuId, @Title, @PriceCents, @Stock, @LimitPerUser, @StartsAt, @EndsAt, @ChallengeBits, @PaymentSeconds, @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    public override void Configure()
    {
        Post("seckill/activities");
        Group<AdminGroup>();
        Summary(s =>
        {
            s.Summary = "Create a seckill activity";
            s.Description = "Reserves the activity's stock from the SKU's available stock (it is locked for the activity " +
                            "until sold or the activity is changed). Publish it to open it to shoppers.";
            s.ExampleRequest = new Request
            {
                SkuId = 7, Title = "iPhone 秒杀", PriceCents = 399900, Stock = 100, LimitPerUser = 1,
                StartsAt = DateTimeOffset.Parse("2026-11-25T12:00:00Z"), EndsAt = DateTimeOffset.Parse("2026-11-25T12:30:00Z"),
            };
            s.ResponseExamples[201] = new Response(42);
            s.Responses[201] = "Created.";
            s.Responses[400] = "Invalid fields, or an end in the past.";
            s.Responses[404] = "No such SKU (code seckill.sku_not_found).";
            s.Responses[409] = "The SKU has not enough available stock (code seckill.sku_stock_insufficient).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(201).ProducesProblems(400, 404, 409), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (req.EndsAt <= now)
        {
            await Send.ResultAsync(Problem.Invalid("endsAt", "endsAt must be in the future."));
            return;
        }
        var args = new
        {
            req.SkuId, Title = req.Title.Trim(), req.PriceCents, req.Stock, req.LimitPerUser, req.ChallengeBits, req.PaymentSeconds,
            StartsAt = req.StartsAt.UtcDateTime, EndsAt = req.EndsAt.UtcDateTime, Now = now.UtcDateTime,
        };
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(ReserveStock, args, transaction, cancellationToken: ct)) != 1)
        {
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(SkuExists, args, transaction, cancellationToken: ct)) > 0;
            await Send.ResultAsync(exists ? ActivityProblems.SkuStockInsufficient : ActivityProblems.SkuNotFound);
            return;
        }
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert, args, transaction, cancellationToken: ct));
        var created = await ActivityRecord.LockAsync(connection, transaction, id, ct);
        await audit.WriteAsync(connection, transaction, HttpContext, "activity.create", "activity", id, null, created, ct);
        await transaction.CommitAsync(ct);
        await Send.ResponseAsync(new Response(id), StatusCodes.Status201Created, ct);
    }
}
