using Mall.Features.Orders.Expiry;
using Mall.Infrastructure;

namespace Mall.Features.Orders;

public static class OrdersFeature
{
    /// <summary>Normal checkout and the order lifecycle (payment, shipping, receipt, expiry).</summary>
    public static void AddOrdersFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<OrderOptions>("Orders");
        builder.Services.AddSingleton<OrderEvents>();
        builder.Services.AddSingleton<Transitions>();
        builder.Services.AddSingleton<OrderExpiry>();
        builder.Services.AddSingleton<UnpaidOrders>();
        builder.Services.AddHostedService<OrderExpirySweeper>();
    }
}
