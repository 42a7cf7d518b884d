using Prometheus;

namespace Mall.Features.Seckill;

/// <summary>Prometheus metrics of the feature. Label children are created once: the hot path only increments.</summary>
public static class SeckillMetrics
{
    private static readonly Counter Attempts = Metrics.CreateCounter("mall_seckill_attempts_total",
        "Seckill attempts by result.", "result");

    public static readonly Counter.Child Accepted = Attempts.WithLabels("accepted");

    /// <summary>Creates every series now, at start, so dashboards and alert rules see them (and their zero) before the
    /// first sale: a rate() over a series that appears mid-burst misses its first increments.</summary>
    public static void Publish() => Attempts.Publish();
    public static readonly Counter.Child SoldOut = Attempts.WithLabels("sold_out");
    public static readonly Counter.Child SoldOutShortCircuit = Attempts.WithLabels("sold_out_local");
    public static readonly Counter.Child Ended = Attempts.WithLabels("ended");
    public static readonly Counter.Child NotStarted = Attempts.WithLabels("not_started");
    public static readonly Counter.Child LimitReached = Attempts.WithLabels("limit_reached");
    public static readonly Counter.Child BadToken = Attempts.WithLabels("bad_token");
    public static readonly Counter.Child BadQuantity = Attempts.WithLabels("bad_quantity");
    public static readonly Counter.Child RateLimited = Attempts.WithLabels("rate_limited");
    public static readonly Counter.Child Unknown = Attempts.WithLabels("unknown_activity");
    public static readonly Counter.Child Cancelled = Attempts.WithLabels("cancelled");
    /// <summary>An accepted attempt sent again with its token: answered as the first time, nothing taken twice.</summary>
    public static readonly Counter.Child Replayed = Attempts.WithLabels("accepted_replay");

    public static readonly Counter AttemptTimeouts = Metrics.CreateCounter("mall_seckill_attempt_timeouts_total",
        "Attempt scripts whose answer did not come in time and that were asked again (the token makes that safe).");

    public static readonly Gauge ChannelDepth = Metrics.CreateGauge("mall_seckill_channel_depth",
        "Reservations waiting in this instance's in-process channel.");

    public static readonly Counter ChannelFull = Metrics.CreateCounter("mall_seckill_channel_full_total",
        "Accepted reservations the full channel refused (the log holds them; recovery writes them).");

    public static readonly Histogram BatchSize = Metrics.CreateHistogram("mall_seckill_batch_size",
        "Reservations per order-writer batch.",
        new HistogramConfiguration { Buckets = [1, 5, 10, 25, 50, 100, 200, 500, 1000, 2000] });

    public static readonly Histogram WriteSeconds = Metrics.CreateHistogram("mall_seckill_batch_write_seconds",
        "Time to write one batch of seckill orders (transaction and log confirmation).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    public static readonly Counter WriterHeldSeconds = Metrics.CreateCounter("mall_seckill_writer_held_seconds_total",
        "Time the order writer held a batch back while a burst of accepts lasted.");

    public static readonly Counter OrdersWritten = Metrics.CreateCounter("mall_seckill_orders_written_total",
        "Reservations written as orders (replays included).");

    public static readonly Counter BatchFailures = Metrics.CreateCounter("mall_seckill_batch_failures_total",
        "Order-writer batch attempts that failed (database unavailable, deadlock).");

    public static readonly Counter Redriven = Metrics.CreateCounter("mall_seckill_redriven_total",
        "Reservations re-driven by recovery after the grace period.");

    public static readonly Counter Expired = Metrics.CreateCounter("mall_seckill_expired_total",
        "Unpaid seckill orders whose units went back to the activity.");

    public static readonly Gauge Drift = Metrics.CreateGauge("mall_seckill_stock_drift",
        "initial - (Redis remaining + unwritten reservations + live orders) per activity; must be 0.", "activity");
}
