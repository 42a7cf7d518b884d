using Mall.Infrastructure;
using StackExchange.Redis;

namespace Mall.Features.Catalog;

/// <summary>
/// Keeps this instance's <see cref="NearCache"/> in step with writes made on other instances: listens on the
/// <see cref="CatalogCache.EvictionChannel"/> pub/sub channel (under this shop's key prefix) and evicts the keys each
/// message names. After a reconnect, when messages may have been missed, it forgets every near copy. A message lost
/// otherwise costs at most the near lifetime of staleness.
/// </summary>
public sealed class CatalogCacheListener(IConnectionMultiplexer multiplexer, RedisKeyPrefix prefix, NearCache near,
    ILogger<CatalogCacheListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        multiplexer.ConnectionRestored += (_, _) => near.Clear();
        // Redis may still be starting: keep trying rather than let an exception stop the host.
        while (true)
        {
            try
            {
                await multiplexer.GetSubscriber().SubscribeAsync(prefix.Channel(CatalogCache.EvictionChannel), (_, message) =>
                {
                    foreach (var key in message.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)) near.Evict(key);
                });
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Could not subscribe to catalog cache evictions; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
