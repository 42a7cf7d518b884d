namespace Mall.Features.Payments.GetPayment;

public sealed class Request
{
    public string PaymentNo { get; set; } = "";
}

public sealed record Response(string PaymentNo, string OrderNo, string Provider, string Channel, long AmountCents, string Status);
