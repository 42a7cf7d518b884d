using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Mall.Infrastructure;

public static class RedisExtensions
{
    private static readonly Prometheus.Counter ConnectionEvents = Prometheus.Metrics.CreateCounter(
        "mall_redis_connection_events_total", "Redis connection events seen by this instance's multiplexer.", "event");

    /// <summary>
    /// One multiplexer per process. Slices take <see cref="IDatabase"/>, already scoped to the configured key
    /// prefix (Redis:KeyPrefix), so test runs and several shops on one Redis never see each other's keys.
    /// Prefixing keeps hash tags intact: "p:sk:{a42}:stock" still hashes on "a42".
    /// </summary>
    public static void AddMallRedis(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not configured.");
        var prefix = builder.Configuration["Redis:KeyPrefix"] ?? "mall:";
        var settings = builder.Configuration.ReadOptions<RedisOptions>("Redis");
        builder.Services.AddMallOptions<RedisOptions>("Redis").Validate(o => o.FailFastMilliseconds is >= 50 and <= 30_000,
            "Redis:FailFastMilliseconds must be between 50 and 30000.");
        builder.Services.AddSingleton(new RedisKeyPrefix(prefix));
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ClientOptions(configuration, settings, "mall-api");
            foreach (var name in new[] { "failed", "restored", "topology_changed", "configuration_changed" })
                ConnectionEvents.WithLabels(name).Publish();
            var multiplexer = ConnectionMultiplexer.Connect(options);
            // What an operator alerts on (docker/prometheus/alerts.yml): lost and restored links, and a changed
            // topology (a Sentinel or Cluster failover moved the primary).
            multiplexer.ConnectionFailed += (_, _) => ConnectionEvents.WithLabels("failed").Inc();
            multiplexer.ConnectionRestored += (_, _) => ConnectionEvents.WithLabels("restored").Inc();
            multiplexer.ConfigurationChangedBroadcast += (_, _) => ConnectionEvents.WithLabels("topology_changed").Inc();
            multiplexer.ConfigurationChanged += (_, _) => ConnectionEvents.WithLabels("configuration_changed").Inc();
            return multiplexer;
        });
        builder.Services.AddSingleton<IDatabase>(sp =>
        {
            var db = sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            return prefix.Length == 0 ? db : db.WithKeyPrefix(prefix);
        });
    }

    /// <summary>
    /// How every Redis client of the shop connects: where (<see cref="Topology"/>), and failing fast. An outage is
    /// answered at once (503 with Retry-After), not after the client's default 5 s: while no connection is up, commands
    /// fail immediately instead of waiting in a backlog for a reconnect, and a Redis that accepts but does not answer
    /// times a command out after the bound. The heartbeat, which is what notices timed-out commands, runs often enough to
    /// keep to the bound.
    /// </summary>
    public static ConfigurationOptions ClientOptions(string connectionString, RedisOptions settings, string clientName)
    {
        var options = Topology(ConfigurationOptions.Parse(connectionString), settings);
        options.AbortOnConnectFail = false;
        options.ClientName = clientName;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = options.SyncTimeout = settings.FailFastMilliseconds;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(settings.FailFastMilliseconds / 4, 25, 1000));
        return options;
    }

    /// <summary>
    /// Where the shop's Redis is: the connection string alone (one server), Redis:Sentinel (a service name and its
    /// sentinels: the client asks them for the primary and follows every failover they announce) or Redis:Cluster (seed
    /// endpoints: the client learns the slot map and follows MOVED and failovers). The connection string still carries
    /// the password and the other client options; its endpoints are replaced by the sentinels' or the cluster's.
    /// </summary>
    public static ConfigurationOptions Topology(ConfigurationOptions options, RedisOptions settings)
    {
        var sentinels = settings.Sentinel.Endpoints.Where(e => !string.IsNullOrWhiteSpace(e)).ToList();
        var cluster = settings.Cluster.Endpoints.Where(e => !string.IsNullOrWhiteSpace(e)).ToList();
        if (sentinels.Count > 0 && cluster.Count > 0)
            throw new InvalidOperationException("Configure either Redis:Sentinel or Redis:Cluster, not both.");
        if (sentinels.Count > 0)
        {
            if (string.IsNullOrWhiteSpace(settings.Sentinel.ServiceName))
                throw new InvalidOperationException("Redis:Sentinel:ServiceName is required with Redis:Sentinel:Endpoints.");
            options.EndPoints.Clear();
            foreach (var endpoint in sentinels) options.EndPoints.Add(endpoint);
            // With a service name the multiplexer connects to the sentinels, asks them for the primary, and connects to
            // it (and its replicas); the password authenticates to both (the sentinels share it: requirepass).
            options.ServiceName = settings.Sentinel.ServiceName;
        }
        else if (cluster.Count > 0)
        {
            options.EndPoints.Clear();
            // Cluster mode is detected from the nodes themselves (CLUSTER NODES); any reachable seed is enough.
            foreach (var endpoint in cluster) options.EndPoints.Add(endpoint);
        }
        return options;
    }
}

public sealed class RedisOptions
{
    public string KeyPrefix { get; set; } = "mall:";

    /// <summary>A primary with replicas watched by Redis Sentinel (Debian's redis-sentinel).</summary>
    public SentinelOptions Sentinel { get; set; } = new();

    /// <summary>Redis Cluster seed nodes.</summary>
    public ClusterOptions Cluster { get; set; } = new();

    public sealed class SentinelOptions
    {
        public string? ServiceName { get; set; }
        public List<string> Endpoints { get; set; } = [];
    }

    public sealed class ClusterOptions
    {
        public List<string> Endpoints { get; set; } = [];
    }

    /// <summary>How long a Redis command may go unanswered before the request is answered 503 (milliseconds).</summary>
    public int FailFastMilliseconds { get; set; } = 250;
}

/// <summary>The prefix every key of this shop carries; needed where raw channel names are built (pub/sub).</summary>
public sealed record RedisKeyPrefix(string Value)
{
    public RedisChannel Channel(string name) => RedisChannel.Literal(Value + name);
}
