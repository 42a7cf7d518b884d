using System.Collections.Concurrent;
using System.Net.Sockets;
using MySqlConnector;
using Prometheus;
using StackExchange.Redis;

namespace Mall.Features.Orders.Expiry;

/// <summary>
/// The orders an expiry pass of this instance could not finish because of something about the order itself (a
/// "poison" row: a stock counter the database refuses to move, a seckill order without its reservation id, a Redis key
/// of the wrong type). Each failure is counted in <c>mall_expiry_failures_total{kind}</c> and logged at Error with the
/// order, and the order is then left alone for <see cref="RetryAfter"/> so that the passes keep expiring the others;
/// after that it is tried again, so a fault that went away heals by itself. In memory, per instance, at most
/// <see cref="Capacity"/> orders (past that, a failing order is simply tried again on the next pass).
/// </summary>
public sealed class PoisonedOrders(string kind, TimeProvider clock, ILogger logger)
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(5);
    public const int Capacity = 10_000;

    private static readonly Counter Failures = Metrics.CreateCounter("mall_expiry_failures_total",
        "Orders an expiry pass could not expire or give back because of the order itself (poison rows), by kind; each is tried again after a few minutes.",
        "kind");

    private readonly ConcurrentDictionary<long, DateTimeOffset> _retryAt = new();

    /// <summary>Whether the order failed recently and waits for its retry time.</summary>
    public bool IsResting(long orderId) => _retryAt.TryGetValue(orderId, out var at) && clock.GetUtcNow() < at;

    public void Forget(long orderId) => _retryAt.TryRemove(orderId, out _);

    public void Failed(long orderId, string orderNo, Exception e)
    {
        Failures.WithLabels(kind).Inc();
        logger.LogError(e, "Expiry ({Kind}) could not finish order {OrderNo} (id {OrderId}); the others go on, this one is tried again in {RetryAfter}",
            kind, orderNo, orderId, RetryAfter);
        var now = clock.GetUtcNow();
        if (_retryAt.Count >= Capacity)
            foreach (var (id, at) in _retryAt)
                if (at <= now) _retryAt.TryRemove(id, out _);
        if (_retryAt.Count < Capacity || _retryAt.ContainsKey(orderId)) _retryAt[orderId] = now + RetryAfter;
    }

    /// <summary>
    /// Whether <paramref name="e"/> says MySQL or Redis as a whole is away, busy or refusing writes (the pass fails and
    /// the next tick tries again) rather than something about one order. Errors the server reports about a statement
    /// (a SQLSTATE) other than these, and Redis script errors, are about the order.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        OperationCanceledException or TimeoutException or IOException or SocketException or ObjectDisposedException => true,
        // No SQLSTATE: the client's own error (lost connection, timeout), not the server's answer to a statement.
        MySqlException m => m.IsTransient || m.SqlState is null || TransientServerErrors.Contains(m.Number),
        RedisConnectionException => true,
        RedisServerException r => TransientRedisReplies.Any(p => r.Message.StartsWith(p, StringComparison.Ordinal)),
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    // Out of memory or resources, too many connections, lock wait timeout, server shutdown, deadlock, query
    // interrupted, read-only (--read-only, a replica), XA deadlock, connection killed, statement timeout (MariaDB, MySQL).
    private static readonly HashSet<int> TransientServerErrors = [1021, 1037, 1040, 1041, 1203, 1205, 1053, 1213, 1290, 1317, 1614, 1927, 1969, 3024];

    private static readonly string[] TransientRedisReplies =
    [
        "LOADING", "BUSY", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK", "OOM", "NOREPLICAS", "MISCONF",
        "NOAUTH", "WRONGPASS",
    ];
}
