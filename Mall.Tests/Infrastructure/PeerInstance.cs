using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Mall.Tests.Infrastructure;

/// <summary>
/// Another API instance on the first one's database, Redis key prefix and signing key (its data folder), with its
/// own in-process state: caches, denylist, SignalR connections. What two instances behind a load balancer share.
/// </summary>
public sealed class PeerInstance(MallApp first) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Mall", first.ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", first.RedisConnectionString);
        builder.UseSetting("Redis:KeyPrefix", first.KeyPrefix);
        builder.UseSetting("Mall:DataDir", first.DataDir);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }
}
