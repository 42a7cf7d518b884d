using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Mall.Infrastructure;

/// <summary>Configuration section "ForwardedHeaders": the proxies whose X-Forwarded-For / -Proto the API believes.</summary>
public sealed class TrustedProxyOptions
{
    /// <summary>Addresses of the proxies in front of the API (the local nginx: loopback).</summary>
    public string[] KnownProxies { get; set; } = ["127.0.0.1", "::1"];

    /// <summary>Networks the proxies live in, CIDR (a compose or k8s network whose addresses are not fixed).</summary>
    public string[] KnownNetworks { get; set; } = [];
}

public static class TrustedProxies
{
    /// <summary>
    /// The client address is what the edge proxy saw, and only a proxy named in configuration may say so. The edge
    /// nginx sets X-Forwarded-For to the address it was connected from (it never appends to a client's header), the
    /// API takes exactly one hop from a known proxy (ForwardLimit 1), and a request that did not come from a known
    /// proxy keeps its own connection address whatever headers it carries. Per-address sign-in and seckill limits
    /// depend on it.
    /// </summary>
    public static void UseMallForwardedHeaders(this WebApplication app)
    {
        var trusted = app.Configuration.ReadOptions<TrustedProxyOptions>("ForwardedHeaders");
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
            RequireHeaderSymmetry = false,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in trusted.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in trusted.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        app.UseForwardedHeaders(options);
    }
}
