namespace Mall.Infrastructure;

/// <summary>
/// Runs once after migrations (the admin account, demo data). Must be idempotent: every start runs it. Seeders run
/// in <see cref="Order"/>, whatever the order of their registrations: demo data builds on earlier demo data.
/// </summary>
public interface IStartupSeeder
{
    SeedOrder Order { get; }

    Task SeedAsync(CancellationToken ct);
}

/// <summary>Which seeder needs which: the admin account is written in canonical form; the seckill demo picks one of the demo catalog's SKUs.</summary>
public enum SeedOrder
{
    /// <summary>Fixes of stored data that sign-in depends on come before anything is added.</summary>
    CanonicalAccounts = 5,
    Accounts = 10,
    Catalog = 20,
    Seckill = 30,
}

public static class StartupSeeders
{
    public static async Task RunAllAsync(IServiceProvider services, CancellationToken ct)
    {
        foreach (var seeder in services.GetServices<IStartupSeeder>().OrderBy(s => s.Order))
            await seeder.SeedAsync(ct);
    }
}
