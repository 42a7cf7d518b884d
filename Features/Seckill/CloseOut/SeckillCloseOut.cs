using Dapper;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.CloseOut;

/// <summary>
/// Gives an ended activity's unsold units back to the SKU once the activity is settled: its log is empty (after the
/// end nothing can be added to it, so this is checked first) and it has no PendingPayment order and no return in
/// flight (so no unit can come back to Redis any more). CloseOut.lua zeroes the Redis stock and remembers the
/// count; the MySQL transaction then marks the activity closed and releases that many units from skus.locked.
/// Both halves are idempotent, so a crash in between is finished by the next pass on any instance. The activity's
/// Redis keys then expire after Seckill:Lookback (recovery and reconciliation stop looking at it by then anyway).
/// A cancelled activity is closed the same way as soon as it is settled (its cancel gave back the units Redis held
/// then; close-out adds those of its orders that expired since).
/// </summary>
public sealed class SeckillCloseOut(MySqlDataSource db, IDatabase redis, SeckillScripts scripts, SeckillOptions options, TimeProvider clock)
{
    public static readonly RedisScript Script = new("Features/Seckill/CloseOut/CloseOut.lua");

    private const string Candidates = """
        SELECT id AS Id, stock AS Stock, released_units AS Released, published_at IS NOT NULL AS Published FROM seckill_activities
        WHERE closed_at IS NULL AND (ends_at <= @Now OR cancelled_at IS NOT NULL)
          AND (cancelled_at IS NULL OR cancel_released_at IS NOT NULL OR published_at IS NULL)
        ORDER BY ends_at LIMIT 50
        """;

    private const string Unsettled = """
        SELECT COUNT(*) FROM orders WHERE activity_id = @Id AND (status = 'PendingPayment' OR stock_return_pending = 1)
        """;

    private const string Close = """
        UPDATE seckill_activities SET closed_at = @Now, released_units = released_units + @Released, updated_at = @Now
        WHERE id = @Id AND closed_at IS NULL
        """;

    private const string Release = """
        UPDATE skus s JOIN seckill_activities a ON a.sku_id = s.id
        SET s.locked = s.locked - @Released, s.updated_at = @Now
        WHERE a.id = @Id
        """;

    /// <summary>One pass; returns how many activities it closed.</summary>
    public async Task<int> CloseEndedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        var closed = 0;
        foreach (var activity in await connection.QueryAsync<Candidate>(new CommandDefinition(Candidates, new { Now = now }, cancellationToken: ct)))
        {
            // What a cancel already gave back (its unsold units at the time) is not released twice.
            var released = (long)activity.Stock - activity.Released;
            if (activity.Published)
            {
                var keys = new ActivityKeys(activity.Id);
                if (await redis.StreamLengthAsync(keys.Log) > 0) continue;
                if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(Unsettled, new { activity.Id }, cancellationToken: ct)) > 0) continue;
                released = (long)await scripts.RunAsync(Script, [keys.Meta, keys.Stock, keys.Buyers, keys.Log, keys.Returned, keys.Attempts],
                    [(long)options.Lookback.TotalMilliseconds]);
            }
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var args = new { activity.Id, Released = released, Now = now };
            if (await connection.ExecuteAsync(new CommandDefinition(Close, args, transaction, cancellationToken: ct)) == 1)
            {
                await connection.ExecuteAsync(new CommandDefinition(Release, args, transaction, cancellationToken: ct));
                closed++;
            }
            await transaction.CommitAsync(ct);
        }
        return closed;
    }

    private sealed class Candidate
    {
        public long Id { get; set; }
        public int Stock { get; set; }
        public int Released { get; set; }
        public bool Published { get; set; }
    }
}
