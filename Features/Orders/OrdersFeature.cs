using Mall.Features.Orders.Expiry;
using Mall.Infrastructure;

namespace Mall.Features.Orders;

public static class OrdersFeature
{
    /// <summary>Normal checkout and the order lifecycle (payment, shipping, receipt, expiry).</summary>
    public static void AddOrdersFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<OrderOptions>("Orders").Validate(
            o => o.Shipping.FlatFeeCents is >= 0 and <= ShippingOptions.MaxCents && o.Shipping.FreeFromCents is >= 0 and <= ShippingOptions.MaxCents,
            $"Orders:Shipping:FlatFeeCents and FreeFromCents must be between 0 and {ShippingOptions.MaxCents} (cents).");
        builder.Services.AddSingleton<OrderEvents>();
        builder.Services.AddSingleton<Transitions>();
        builder.Services.AddSingleton<OrderExpiry>();
        builder.Services.AddSingleton<UnpaidOrders>();
        builder.Services.AddHostedService<OrderExpirySweeper>();
    }
}
