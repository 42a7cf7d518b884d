using Dapper;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Auth;

public static class AuthFeature
{
    public static void AddAuthFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Passwords>();
        builder.Services.AddSingleton<RefreshTokens>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Auth:Throttle").Get<LoginThrottleOptions>() ?? new LoginThrottleOptions());
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<IStartupSeeder, AdminSeeder>();
    }
}

/// <summary>Creates the admin account (admin@mall.local) when Mall:AdminPassword is set; leaves an existing one alone.</summary>
internal sealed class AdminSeeder(MySqlDataSource db, Passwords passwords, IConfiguration configuration, TimeProvider clock,
    ILogger<AdminSeeder> logger) : IStartupSeeder
{
    public const string Account = "admin@mall.local";

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
