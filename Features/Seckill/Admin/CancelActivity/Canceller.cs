using Dapper;
using Mall.Features.Seckill.Expiry;
using Mall.Features.Seckill.Realtime;
using Mall.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Admin.CancelActivity;

/// <summary>
/// The second half of a cancel, after MySQL committed cancelled_at: Cancel.lua stops the activity in Redis (every
/// instance's attempts answer "cancelled" from then on) and takes the unsold units out of it; one MySQL transaction
/// then gives them back to the SKU, conditional on cancel_released_at IS NULL. Both halves are idempotent (the script
/// remembers its count), so the recovery pass finishes a cancel that crashed in between, and the units go back once.
/// Reservations the attempt script accepted before Cancel.lua ran stay in the log and become orders as usual; units of
/// such orders that later expire come back to the activity and go to the SKU at close-out.
/// </summary>
public sealed class Canceller(MySqlDataSource db, SeckillScripts scripts, IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix,
    ActivityStates states, IHubContext<MallHub> hub, TimeProvider clock, ILogger<Canceller> logger)
{
    public static readonly RedisScript Script = new("Features/Seckill/Admin/CancelActivity/Cancel.lua");

    private const string Release = """
        UPDATE seckill_activities SET released_units = released_units + @Released, cancel_released_at = @Now, updated_at = @Now
        WHERE id = @Id AND cancel_released_at IS NULL
        """;

    private const string ReleaseFromSku = "UPDATE skus SET locked = locked - @Released, updated_at = @Now WHERE id = @SkuId";

    /// <summary>Stops a published, cancelled activity in Redis and releases its unsold units; true when this call released them.</summary>
    public async Task<bool> FinishAsync(long activityId, long skuId, int initialStock, int version, DateTime cancelledAt, CancellationToken ct)
    {
        var keys = new ActivityKeys(activityId);
        var cancelledAtMs = new DateTimeOffset(DateTime.SpecifyKind(cancelledAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        var left = (long)await scripts.RunAsync(Script, [keys.Meta, keys.Stock], [cancelledAtMs, version, initialStock]);

        bool released;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var args = new { Id = activityId, SkuId = skuId, Released = left, Now = clock.GetUtcNow().UtcDateTime };
            released = await connection.ExecuteAsync(new CommandDefinition(Release, args, transaction, cancellationToken: ct)) == 1;
            if (released) await connection.ExecuteAsync(new CommandDefinition(ReleaseFromSku, args, transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
        }
        if (!released) return false;

        // Instances that saw the activity sold out ask Redis again, which now answers "cancelled".
        states.ResetSoldOut(activityId);
        try
        {
            await multiplexer.GetSubscriber().PublishAsync(prefix.Channel(SeckillExpiry.StockReturnedChannel), activityId);
            await hub.Clients.All.SendAsync(SeckillMessages.ActivityCancelled, new ActivityCancelledMessage(activityId, cancelledAtMs), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The attempt and token scripts refuse the activity whatever the pages heard.
            logger.LogWarning(e, "Could not announce the cancel of seckill activity {ActivityId}", activityId);
        }
        return true;
    }
}
