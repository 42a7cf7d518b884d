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

    public CheckoutOptions Checkout { get; set; } = new();
}

/// <summary>Group commit of normal checkout (<c>Orders:Checkout</c>; see CheckoutGroups).</summary>
public sealed class CheckoutOptions
{
    /// <summary>Independent queues; an order goes to the lane of its lowest SKU id, so one SKU's orders always meet.</summary>
    public int Lanes { get; set; } = 8;

    /// <summary>Transactions one lane runs at once: the next group inserts while the previous one holds the stock row.</summary>
    public int GroupsInFlightPerLane { get; set; } = 2;

    /// <summary>At most this many orders in one transaction.</summary>
    public int MaxGroupSize { get; set; } = 64;

    /// <summary>Checkouts waiting per lane before new ones wait to be queued.</summary>
    public int QueuePerLane { get; set; } = 10_000;
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
