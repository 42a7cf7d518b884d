using Dapper;
using EvolveDb;
using EvolveDb.Dialect;
using MySqlConnector;

namespace Mall.Infrastructure;

public static class DatabaseExtensions
{
    /// <summary>One pooled MySqlDataSource for the whole process; slices open connections from it and own their SQL.</summary>
    public static void AddMallDatabase(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Mall")
            ?? throw new InvalidOperationException("ConnectionStrings:Mall is not configured.");
        builder.Services.AddMySqlDataSource(connectionString);
        builder.Services.AddSingleton<AdminAudit>();
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    /// <summary>Applies the embedded SQL migrations (Mall.Api/Migrations) with Evolve before the host serves requests.</summary>
    public static async Task MigrateMallDatabaseAsync(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Database:MigrateOnStart", true)) return;
        var dataSource = app.Services.GetRequiredService<MySqlDataSource>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Migrations");
        await using var connection = await dataSource.OpenConnectionAsync();
        var evolve = new Evolve(connection, message => logger.LogInformation("{EvolveMessage}", message), DBMS.MySQL)
        {
            EmbeddedResourceAssemblies = [typeof(DatabaseExtensions).Assembly],
            EmbeddedResourceFilters = ["Mall.Migrations"],
            IsEraseDisabled = true,
            // Several API instances may start together; Evolve serialises them with a database lock.
            EnableClusterMode = true,
        };
        evolve.Migrate();

        await StartupSeeders.RunAllAsync(app.Services, CancellationToken.None);
    }
}

/// <summary>
/// InnoDB may pick a deadlock victim even when every writer takes its locks in one order (secondary-index and gap
/// locks under load); the victim's transaction was rolled back whole, so running it again is safe.
/// </summary>
public static class Deadlocks
{
    public static async Task<T> RetryAsync<T>(Func<Task<T>> work, int attempts = 3)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await work(); }
            catch (MySqlException e) when (attempt < attempts && e.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout) { }
        }
    }

    public static Task RetryAsync(Func<Task> work, int attempts = 3) =>
        RetryAsync(async () => { await work(); return true; }, attempts);
}
