using Dapper;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Auth;

/// <summary>
/// Rewrites accounts stored before spellings were canonical (full-width letters, upper case) into their canonical
/// form. Two rows that are one account in canonical form are never merged: the later one is left as it is, cannot
/// sign in under either spelling, and is reported at Error with both ids for an operator to resolve.
/// </summary>
internal sealed class AccountCanonicalizer(MySqlDataSource db, ILogger<AccountCanonicalizer> logger) : IStartupSeeder
{
    // Only rows that can differ from their canonical form: any non-ASCII character, or upper case (the column is binary).
    private const string Candidates = """
        SELECT id AS Id, account AS Account FROM users
        WHERE CHAR_LENGTH(account) <> LENGTH(account) OR account <> LOWER(account)
        ORDER BY id
        """;

    private const string Rewrite = "UPDATE users SET account = @Canonical WHERE id = @Id";
    private const string Holder = "SELECT id FROM users WHERE account = @Canonical";

    public SeedOrder Order => SeedOrder.CanonicalAccounts;

    public async Task SeedAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        foreach (var row in await connection.QueryAsync<Row>(new CommandDefinition(Candidates, cancellationToken: ct)))
        {
            var canonical = Accounts.Normalize(row.Account);
            if (canonical == row.Account) continue;
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(Rewrite, new { Canonical = canonical, row.Id }, cancellationToken: ct));
                logger.LogInformation("Account {UserId} stored in canonical form", row.Id);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
            {
                var holder = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Holder, new { Canonical = canonical }, cancellationToken: ct));
                logger.LogError("Accounts {UserId} ({Account}) and {HolderId} are one account in canonical form ({Canonical}); " +
                                "not merged: {UserId} cannot sign in until an operator resolves it", row.Id, row.Account, holder, canonical, row.Id);
            }
        }
    }

    private sealed record Row(long Id, string Account);
}
