using Dapper;
using Microsoft.Extensions.Caching.Memory;
using MySqlConnector;

namespace Mall.Infrastructure.Auth;

/// <summary>
/// Whether a user id names an account that may be signed in: it exists and is not disabled. Asked when an instance
/// first sees an access token (not on every request: the fast path skips it), and remembered for a few seconds per
/// user. A change made through the API reaches every instance at once as a revocation (AccessTokenDenylist); this
/// check is what catches accounts removed or disabled behind the API's back.
/// </summary>
public sealed class AccountStates(MySqlDataSource db)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);
    // Expired answers are swept as often as they expire (the default sweep is once a minute): a sale's burst of new
    // shoppers would otherwise hold tens of thousands of dead entries for a minute.
    private readonly MemoryCache _active = new(new MemoryCacheOptions { SizeLimit = 100_000, ExpirationScanFrequency = Remembered });

    public async Task<bool> IsActiveAsync(long userId)
    {
        if (_active.TryGetValue(userId, out bool active)) return active;
        await using var connection = await db.OpenConnectionAsync();
        active = await connection.ExecuteScalarAsync<long?>(
            "SELECT id FROM users WHERE id = @UserId AND disabled_at IS NULL", new { UserId = userId }) is not null;
        _active.Set(userId, active, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Remembered });
        return active;
    }

    /// <summary>This instance asks again next time (the others hear of the change as a revocation).</summary>
    public void Forget(long userId) => _active.Remove(userId);
}
