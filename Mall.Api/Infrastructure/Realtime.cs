using Mall.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Mall.Infrastructure;

/// <summary>
/// The SignalR hub at /hubs/mall. Server → client messages (docs/seckill.md, docs/checkout.md): SeckillResult,
/// OrderStatusChanged, ActivityStock, ServerTime. Signed-in connections are addressed by user id
/// (Clients.User(userId)); anonymous visitors still get broadcasts (stock, time). Several API instances share
/// one Redis backplane, so a message sent on instance A reaches a client connected to instance B.
/// </summary>
[AllowAnonymous]
public sealed class MallHub(TimeProvider clock) : Hub
{
    public const string Path = "/hubs/mall";

    public override async Task OnConnectedAsync()
    {
        await Clients.Caller.SendAsync(Messages.ServerTime, new { serverTimeMs = clock.GetUtcNow().ToUnixTimeMilliseconds() });
        await base.OnConnectedAsync();
    }

    /// <summary>Clients measure their clock offset with this round trip (and /api/v1/time over HTTP).</summary>
    public long GetServerTime() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static class Messages
    {
        public const string SeckillResult = "SeckillResult";
        public const string OrderStatusChanged = "OrderStatusChanged";
        public const string ActivityStock = "ActivityStock";
        public const string ServerTime = "ServerTime";
    }
}

/// <summary>Connections are named by the access token's "sub" claim.</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User?.FindFirst(MallClaims.Subject)?.Value;
}

public static class RealtimeExtensions
{
    public static void AddMallRealtime(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis")!;
        var settings = builder.Configuration.ReadOptions<RedisOptions>("Redis");
        var prefix = settings.KeyPrefix;
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSignalR().AddStackExchangeRedis(options =>
        {
            // The backplane's own connection, made like the shop's: it follows Sentinel and Cluster failovers, and a send
            // in an outage fails within Redis:FailFastMilliseconds instead of holding the order writer (which pushes
            // SeckillResult) for the client's default 5 s backlog. Only its unsubscribe at shutdown is synchronous: that
            // one may take the usual 5 s.
            options.Configuration = RedisExtensions.ClientOptions(connectionString, settings, "mall-signalr");
            options.Configuration.SyncTimeout = 5000;
            options.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + "signalr");
        });
    }

    public static void MapMallHubs(this WebApplication app) => app.MapHub<MallHub>(MallHub.Path);
}
