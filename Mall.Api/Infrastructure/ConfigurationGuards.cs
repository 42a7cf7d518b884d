namespace Mall.Infrastructure;

/// <summary>
/// Outside Development the API refuses to start with a missing secret or any development default, and says
/// which setting is wrong. Development values are listed here on purpose: they are public.
/// </summary>
public static class ConfigurationGuards
{
    public const string DevDatabasePassword = "mall-dev-password";
    public const string DevRedisPassword = "mall-dev-redis";
    public const string DevAdminPassword = "Admin#2026";

    public static void AddMallConfigurationGuards(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment()) return;
        var problems = Check(builder.Configuration).ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException(
                $"Refusing to start in {builder.Environment.EnvironmentName}: " + string.Join(" ", problems));
    }

    public static IEnumerable<string> Check(IConfiguration configuration)
    {
        var database = configuration.GetConnectionString("Mall");
        if (string.IsNullOrWhiteSpace(database)) yield return "ConnectionStrings:Mall is missing.";
        else if (database.Contains(DevDatabasePassword, StringComparison.Ordinal))
            yield return "ConnectionStrings:Mall uses the development password.";

        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis)) yield return "ConnectionStrings:Redis is missing.";
        else if (!redis.Contains("password=", StringComparison.OrdinalIgnoreCase))
            yield return "ConnectionStrings:Redis has no password.";
        else if (redis.Contains(DevRedisPassword, StringComparison.Ordinal))
            yield return "ConnectionStrings:Redis uses the development password.";

        if (string.IsNullOrWhiteSpace(configuration["Auth:SigningKeyPem"]) && string.IsNullOrWhiteSpace(configuration["Auth:SigningKeyPath"]))
            yield return "Auth:SigningKeyPem or Auth:SigningKeyPath is missing (the development key is generated only in Development).";

        if (configuration["Mall:AdminPassword"] == DevAdminPassword)
            yield return "Mall:AdminPassword is the development default.";
    }
}
