using Mall.Features.Seckill.Expiry;
using Mall.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Realtime;

public sealed record ActivityStockMessage(long ActivityId, long StockLeft);

public sealed record ServerTimeMessage(long ServerTimeMs);

/// <summary>Broadcast once when an operator cancels an activity: pages showing it stop the countdown and the buy button.</summary>
public sealed record ActivityCancelledMessage(long ActivityId, long CancelledAtMs);

/// <summary>The feature's server → client messages beyond the hub's own list (MallHub.Messages).</summary>
public static class SeckillMessages
{
    public const string ActivityCancelled = "ActivityCancelled";
}

/// <summary>
/// The feature's per-instance background duties around Redis and SignalR: preloads the scripts; listens for
/// "stock returned" (expiry, re-publish) to drop the sold-out short-circuit (and drops every flag after a
/// reconnect, when messages may have been missed); broadcasts ActivityStock at most every StockBroadcastInterval
/// per activity, from the stock the attempts already returned (no extra Redis reads); and broadcasts ServerTime,
/// from one instance per interval (a Redis SET NX lease) so clients are not flooded when several instances run.
/// On the same tick it adds this instance's attempt counts per activity to Redis (the operator's live panel sums
/// every instance there), so the attempt path itself never pays a round trip for them.
/// </summary>
public sealed class SeckillRealtime(SeckillScripts scripts, ActivityStates states, IConnectionMultiplexer multiplexer,
    IDatabase redis, RedisKeyPrefix prefix, IHubContext<MallHub> hub, SeckillOptions options, TimeProvider clock,
    ILogger<SeckillRealtime> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await scripts.LoadAsync();
        multiplexer.ConnectionRestored += (_, _) => states.ResetAll();
        // Redis may still be starting: keep trying rather than let an exception stop the host.
        while (true)
        {
            try
            {
                await multiplexer.GetSubscriber().SubscribeAsync(prefix.Channel(SeckillExpiry.StockReturnedChannel), (_, message) =>
                {
                    if (message.TryParse(out long activityId)) states.ResetSoldOut(activityId);
                });
                break;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Could not subscribe to seckill stock resets; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }

        var nextTime = DateTime.UtcNow;
        using var timer = new PeriodicTimer(options.StockBroadcastInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var state in states.All)
                    if (state.TryTakeStockChange(out var stockLeft))
                        await hub.Clients.All.SendAsync(MallHub.Messages.ActivityStock, new ActivityStockMessage(state.ActivityId, stockLeft), stoppingToken);
                await FlushAttemptCountsAsync();

                if (DateTime.UtcNow >= nextTime)
                {
                    nextTime = DateTime.UtcNow + options.ServerTimeBroadcastInterval;
                    if (await redis.StringSetAsync("sk:time-broadcast", 1, options.ServerTimeBroadcastInterval, When.NotExists))
                        await hub.Clients.All.SendAsync(MallHub.Messages.ServerTime,
                            new ServerTimeMessage(clock.GetUtcNow().ToUnixTimeMilliseconds()), stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(e, "Seckill broadcast failed; next tick");
            }
        }
    }

    private async Task FlushAttemptCountsAsync()
    {
        foreach (var state in states.All)
        {
            var counts = state.TakeAttempts();
            if (counts.All(c => c == 0)) continue;
            try
            {
                var adds = new List<Task>();
                for (var i = 0; i < counts.Length; i++)
                    if (counts[i] != 0) adds.Add(redis.HashIncrementAsync(state.Keys.Attempts, AttemptResults.Names[i], counts[i]));
                await Task.WhenAll(adds);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Counted again on the next tick (a partial flush may count some twice: the panel is a gauge, not a ledger).
                state.Restore(counts);
                logger.LogDebug(e, "Could not flush the attempt counts of seckill activity {ActivityId}", state.ActivityId);
            }
        }
    }
}
