namespace Mall.Features.Seckill;

/// <summary>Configuration section "Seckill" (see docs/seckill.md for every key).</summary>
public sealed class SeckillOptions
{
    /// <summary>Unpaid seckill orders are cancelled and their units returned after this, unless the activity sets its own
    /// window (paymentSeconds). Short: a held unit is a unit nobody else can buy.</summary>
    public TimeSpan OrderExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A shopper who lets this many seckill orders lapse within <see cref="LapseWindow"/> is kept from seckill
    /// tokens for <see cref="Cooldown"/> (0: never).</summary>
    public int LapsesBeforeCooldown { get; set; } = 3;
    public TimeSpan LapseWindow { get; set; } = TimeSpan.FromDays(1);
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(6);
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fixed window of the per-user and per-IP limits (held in Redis, so they hold across instances).</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromSeconds(1);
    public int UserAttemptsPerWindow { get; set; } = 5;
    public int IpAttemptsPerWindow { get; set; } = 500;
    public int UserTokensPerWindow { get; set; } = 5;

    /// <summary>How long an instance reuses an activity's row for the shopper's list and detail (stock is always live).</summary>
    public TimeSpan ActivityRowsLifetime { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan StockBroadcastInterval { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan ServerTimeBroadcastInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The periodic reconciliation skips an activity while more reservations than this wait in its log (reading
    /// them is one atomic Redis call, about 2 ms per 1,000, that every attempt waits behind); the admin endpoint always reads.</summary>
    public int ReconcileMaxQueued { get; set; } = 1_000;
    /// <summary>How long after its end an activity is still swept by recovery and reconciliation.</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(1);

    public WriterOptions Writer { get; set; } = new();
    public RecoveryOptions Recovery { get; set; } = new();
    public ExpiryOptions Expiry { get; set; } = new();

    public sealed class WriterOptions
    {
        public bool Enabled { get; set; } = true;
        // Room for a whole burst: a reservation the full channel refuses waits for recovery's grace period (10 s or more),
        // and one held here costs about 200 bytes.
        public int ChannelCapacity { get; set; } = 100_000;
        public int BatchSize { get; set; } = 500;
        public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(20);
        public int MaxRetries { get; set; } = 3;
        public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
        /// <summary>At this many accepted reservations per second or more, the writer holds back (0: never).</summary>
        public int BurstAcceptsPerSecond { get; set; } = 2_000;
        /// <summary>The longest a reservation waits for its order during a burst; at most half of Recovery:GracePeriod.</summary>
        public TimeSpan MaxBurstDeferral { get; set; } = TimeSpan.FromSeconds(5);
    }

    public sealed class RecoveryOptions
    {
        public bool Enabled { get; set; } = true;
        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>A reservation not confirmed this long after recovery first saw it is re-driven.</summary>
        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(10);
        public int BatchSize { get; set; } = 500;
        /// <summary>Batches of one activity's backlog written at once (each its own transaction).</summary>
        public int WritesInFlight { get; set; } = 4;
        /// <summary>How often every live activity is checked for a Redis failover or rollback no connection event announced.</summary>
        public TimeSpan FenceInterval { get; set; } = TimeSpan.FromSeconds(1);
        /// <summary>How long an activity keeps refusing attempts after a failover repair, so that every other instance
        /// (which notices within FenceInterval at worst) can add the forgotten reservations only it holds first.</summary>
        public TimeSpan RepairSettle { get; set; } = TimeSpan.FromSeconds(1.5);
    }

    public sealed class ExpiryOptions
    {
        public bool Enabled { get; set; } = true;
        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
        public int BatchSize { get; set; } = 200;
        /// <summary>How long one pass may go on taking batches; the next continues where it stopped. A sale's unpaid
        /// orders fall due together, and expiring them flat out takes about a core of this instance (per order: two
        /// MySQL commits, two Redis calls, a push), so a pass works at most this long in each Interval.</summary>
        public TimeSpan PassBudget { get; set; } = TimeSpan.FromSeconds(2);
    }
}
