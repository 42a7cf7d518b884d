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
        var prefix = builder.Configuration["Redis:KeyPrefix"] ?? "mall:";
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSignalR()
            .AddStackExchangeRedis(options => options.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + "signalr"));
        // The backplane rides the shop's own multiplexer: it follows Sentinel and Cluster failovers like every other call,
        // and fails fast in an outage (Redis:FailFastMilliseconds) instead of holding each send, and with it the order
        // writer that pushes SeckillResult, for the client's default 5 s backlog.
        builder.Services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
            .Configure<IConnectionMultiplexer>((options, multiplexer) => options.ConnectionFactory = _ => Task.FromResult(multiplexer));
    }

    public static void MapMallHubs(this WebApplication app) => app.MapHub<MallHub>(MallHub.Path);
}
