using System.Collections.Concurrent;
using Dapper;
using MySqlConnector;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// Whether a user id names an account that may be signed in: it exists and is not disabled. Asked when an instance
/// first sees an access token (not on every request: the fast path skips it), and remembered for a few seconds per
/// user. A change made through the API reaches every instance at once as a revocation (AccessTokenDenylist); this
/// check is what catches accounts removed or disabled behind the API's back.
/// </summary>
public sealed class AccountStates(MySqlDataSource db, TimeProvider clock)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);

    // Two generations instead of a cache with a sweep: answers go into the current one, and every Remembered period the
    // previous one is dropped whole. A sale's burst of new shoppers leaves at most two periods of answers behind, each
    // a dictionary node (a MemoryCache entry with its boxed key and value was four times that).
    private ConcurrentDictionary<long, Answer> _current = new(), _previous = new();
    private readonly DueTime _rotation = new(clock.GetUtcNow().Add(Remembered).UtcTicks);

    public async Task<bool> IsActiveAsync(long userId)
    {
        var now = clock.GetUtcNow().UtcTicks;
        RotateIfDue(now);
        if ((_current.TryGetValue(userId, out var answer) || _previous.TryGetValue(userId, out answer)) && answer.Until > now)
            return answer.Active;
        await using var connection = await db.OpenConnectionAsync();
        var active = await connection.ExecuteScalarAsync<long?>(
            "SELECT id FROM users WHERE id = @UserId AND disabled_at IS NULL", new { UserId = userId }) is not null;
        _current[userId] = new Answer(active, now + Remembered.Ticks);
        return active;
    }

    /// <summary>This instance asks again next time (the others hear of the change as a revocation).</summary>
    public void Forget(long userId)
    {
        _current.TryRemove(userId, out _);
        _previous.TryRemove(userId, out _);
    }

    private void RotateIfDue(long now)
    {
        if (!_rotation.TryClaim(now, Remembered.Ticks)) return;
        _previous = Interlocked.Exchange(ref _current, new ConcurrentDictionary<long, Answer>());
    }

    private readonly record struct Answer(bool Active, long Until);
}
