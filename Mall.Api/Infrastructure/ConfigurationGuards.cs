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

        var admin = configuration["Mall:AdminPassword"];
        if (admin == DevAdminPassword) yield return "Mall:AdminPassword is the development default.";
        else if (!string.IsNullOrEmpty(admin) && WeakAdminPassword(admin) is { } weakness) yield return $"Mall:AdminPassword {weakness}.";

        foreach (var (setting, secret) in Secrets(configuration))
            if (IsPlaceholder(secret)) yield return $"{setting} is empty or a placeholder ({Shown(secret)}).";
    }

    /// <summary>What example files write for "put the real secret here", and secrets that are only a word.</summary>
    private static readonly string[] PlaceholderParts = ["change-me", "changeme", "change_me", "replace-me", "replaceme", "your-password"];
    private static readonly string[] PlaceholderWords = ["password", "secret", "example", "admin", "mall", "123456"];

    private static bool IsPlaceholder(string? secret) =>
        secret is not null && (secret.Trim().Length == 0
                               || PlaceholderParts.Any(p => secret.Contains(p, StringComparison.OrdinalIgnoreCase))
                               || PlaceholderWords.Any(w => secret.Trim().Equals(w, StringComparison.OrdinalIgnoreCase)));

    private static string Shown(string? secret) => secret is null || secret.Trim().Length == 0 ? "empty" : "\"" + secret + "\"";

    /// <summary>The secrets inside the settings (passwords in connection strings, the admin's), by setting.</summary>
    private static IEnumerable<(string Setting, string? Secret)> Secrets(IConfiguration configuration)
    {
        var database = configuration.GetConnectionString("Mall");
        if (!string.IsNullOrWhiteSpace(database))
        {
            var builder = new MySqlConnector.MySqlConnectionStringBuilder();
            string? password;
            try { builder.ConnectionString = database; password = builder.Password; }
            catch (ArgumentException) { password = null; }
            yield return ("ConnectionStrings:Mall's password", password ?? "");
        }
        var redis = configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis) && redis.Contains("password=", StringComparison.OrdinalIgnoreCase))
        {
            var password = redis.Split(',').Select(p => p.Trim())
                .FirstOrDefault(p => p.StartsWith("password=", StringComparison.OrdinalIgnoreCase))?["password=".Length..];
            yield return ("ConnectionStrings:Redis's password", password ?? "");
        }
        if (configuration["Mall:AdminPassword"] is { } admin) yield return ("Mall:AdminPassword", admin);
    }

    /// <summary>The admin account can change every price and refund every order: at least 12 characters of three kinds.</summary>
    private static string? WeakAdminPassword(string password)
    {
        if (password.Length < 12) return "is shorter than 12 characters";
        var kinds = new[] { password.Any(char.IsLower), password.Any(char.IsUpper), password.Any(char.IsDigit), password.Any(c => !char.IsLetterOrDigit(c)) }
            .Count(k => k);
        return kinds < 3 ? "needs three of lower case, upper case, digits and symbols" : null;
    }
}
