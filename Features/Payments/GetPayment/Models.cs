using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Payments.GetPayment;

public sealed class Request
{
    public string PaymentNo { get; set; } = "";
}

public sealed record Response(string PaymentNo, string OrderNo, [ValuesOf(typeof(Providers))] string Provider,
    [ValuesOf(typeof(Channels))] string Channel, long AmountCents, [ValuesOf(typeof(PaymentStatus))] string Status);
