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
        builder.Services.AddMallOptions<DashboardOptions>("Orders:Dashboard")
            .Validate(o => o.IsValidZone(), "Orders:Dashboard:TimeZone must be a time zone id this machine knows (IANA, e.g. Asia/Shanghai).")
            .Validate(o => o.FinishedAfterMinutes is >= 0 and <= 24 * 60, "Orders:Dashboard:FinishedAfterMinutes must be between 0 and 1440.");
        builder.Services.AddSingleton<Admin.GetDashboard.DashboardCache>();
        builder.Services.AddSingleton<OrderEvents>();
        builder.Services.AddSingleton<Transitions>();
        builder.Services.AddSingleton<OrderExpiry>();
        builder.Services.AddSingleton<UnpaidOrders>();
        builder.Services.AddHostedService<OrderExpirySweeper>();
        builder.Services.AddSingleton<Checkout.CheckoutGroups>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Checkout.CheckoutGroups>());
        builder.Services.AddSingleton<CancelOrder.CancelGroups>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CancelOrder.CancelGroups>());
    }
}
