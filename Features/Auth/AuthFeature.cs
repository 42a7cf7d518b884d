using Mall.Infrastructure;

namespace Mall.Features.Auth;

public static class AuthFeature
{
    /// <summary>Accounts, sign-in with throttling, rotating refresh tokens; the admin account.</summary>
    public static void AddAuthFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Passwords>();
        builder.Services.AddSingleton<RefreshTokens>();
        builder.Services.AddMallOptions<LoginThrottleOptions>("Auth:Throttle");
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddMallOptions<RegistrationThrottleOptions>("Auth:Registration");
        builder.Services.AddSingleton<RegistrationThrottle>();
        builder.Services.AddSingleton<IStartupSeeder, AccountCanonicalizer>();
        builder.Services.AddSingleton<IStartupSeeder, AdminSeeder>();
    }
}
