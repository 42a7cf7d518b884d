using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Mall.Infrastructure;

public static class RedisExtensions
{
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
        builder.Services.AddSingleton(new RedisKeyPrefix(prefix));
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;
            options.ClientName = "mall-api";
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddSingleton<IDatabase>(sp =>
        {
            var db = sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            return prefix.Length == 0 ? db : db.WithKeyPrefix(prefix);
        });
    }
}

/// <summary>The prefix every key of this shop carries; needed where raw channel names are built (pub/sub).</summary>
public sealed record RedisKeyPrefix(string Value)
{
    public RedisChannel Channel(string name) => RedisChannel.Literal(Value + name);
}
