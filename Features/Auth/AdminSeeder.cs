using Dapper;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Auth;

/// <summary>Creates the admin account (admin@mall.local) when Mall:AdminPassword is set; leaves an existing one alone.</summary>
internal sealed class AdminSeeder(MySqlDataSource db, Passwords passwords, IConfiguration configuration, TimeProvider clock,
    ILogger<AdminSeeder> logger) : IStartupSeeder
{
    public const string Account = "admin@mall.local";

    public SeedOrder Order => SeedOrder.Accounts;

    public async Task SeedAsync(CancellationToken ct)
    {
        var password = configuration["Mall:AdminPassword"];
        if (string.IsNullOrEmpty(password)) return;
        await using var connection = await db.OpenConnectionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var created = await connection.ExecuteAsync("""
            INSERT IGNORE INTO users (account, password_hash, nickname, role, created_at, updated_at)
            VALUES (@Account, @Hash, 'Admin', 'admin', @Now, @Now)
            """, new { Account, Hash = passwords.Hash(password), Now = now });
        if (created > 0) logger.LogInformation("Seeded the admin account {Account}", Account);
    }
}
