namespace Mall.Features.Orders;

public sealed class OrderOptions
{
    /// <summary>An unpaid normal order holds its stock this long, then the sweeper cancels it.</summary>
    public int PaymentTimeoutMinutes { get; set; } = 15;

    // Anti-griefing caps: without them one shopper could lock a SKU's whole stock in unpaid orders.
    public int MaxQuantityPerLine { get; set; } = 10;
    public int MaxQuantityPerOrder { get; set; } = 30;
    public int MaxLinesPerOrder { get; set; } = 20;
    public int MaxOpenUnpaidOrders { get; set; } = 3;

    /// <summary>How often each instance looks for expired unpaid orders; 0 turns the background sweep off.</summary>
    public double ExpirySweepSeconds { get; set; } = 15;
    public int ExpiryBatchSize { get; set; } = 200;

    /// <summary>How long a checkout answer stays replayable under its Idempotency-Key.</summary>
    public int IdempotencyKeyDays { get; set; } = 7;

    public ShippingOptions Shipping { get; set; } = new();
}

/// <summary>One flat fee per order, waived from a subtotal on (<c>Orders:Shipping</c>).</summary>
public sealed class ShippingOptions
{
    public const long MaxCents = 100_000_000;

    /// <summary>Charged once per normal order whose subtotal is below <see cref="FreeFromCents"/>; 0 ships everything free.</summary>
    public long FlatFeeCents { get; set; } = 1000;

    /// <summary>A subtotal of at least this ships free (0: every order ships free).</summary>
    public long FreeFromCents { get; set; } = 9900;
}
