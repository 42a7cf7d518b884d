using Mall.Features.Payments;

namespace Mall.Features.AfterSales;

public static class AfterSalesFeature
{
    public static void AddAfterSalesFeature(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<AfterSaleRefunds>();
        // Payments hands refund confirmations it does not know (WeChat REFUND.SUCCESS, Alipay's refund notify) to us.
        services.AddSingleton<IRefundConfirmation>(sp => sp.GetRequiredService<AfterSaleRefunds>());
        services.AddSingleton<RefundWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RefundWorker>());
    }
}
