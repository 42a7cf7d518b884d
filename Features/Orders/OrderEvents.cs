using Mall.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Prometheus;

namespace Mall.Features.Orders;

/// <summary>After a transition commits: count it and tell the shopper's open pages (SignalR, best effort).</summary>
public sealed class OrderEvents(IHubContext<MallHub> hub, ILogger<OrderEvents> logger)
{
    private static readonly Counter Transitions = Metrics.CreateCounter(
        "mall_order_transitions_total", "Order status transitions of normal checkout, by target status and cause.", "status", "cause");

    public async Task PublishAsync(long userId, string orderNo, string status, string cause)
    {
        Transitions.WithLabels(status, cause).Inc();
        try
        {
            await hub.Clients.User(userId.ToString()).SendAsync(MallHub.Messages.OrderStatusChanged, new { orderNo, status });
        }
        catch (Exception e)
        {
            // The order is committed; a missed push only means the page learns on its next poll.
            logger.LogWarning(e, "Could not push OrderStatusChanged for {OrderNo}", orderNo);
        }
    }
}
