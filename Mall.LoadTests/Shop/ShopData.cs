using System.Text;
using Dapper;
using MySqlConnector;

namespace Mall.LoadTests.Shop;

public sealed record BenchUser(long UserId, string Account, string AccessToken);

/// <summary>
/// Rows a scenario needs, written straight into the shop's database: shoppers (with a password hash that can
/// never match, so these accounts cannot sign in), an admin to drive admin endpoints, a product with one SKU,
/// addresses. Every row of a run carries its run id in the account/title, so runs never collide.
/// </summary>
public sealed class ShopData(string connectionString, TokenSigner signer, string runId)
{
    /// <summary>Base64 of a single 0xFF byte: a hash format PasswordHasher does not know, so it always fails to verify.</summary>
    public const string UnusableHash = "/w==";
    private const int RowsPerStatement = 500;
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(60);

    public string RunId { get; } = runId;

    public async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static string AccountOf(string runId, int index) => $"b{runId}-{index}@bench.mall.local";

    public async Task<IReadOnlyList<BenchUser>> InsertShoppersAsync(int count, CancellationToken ct)
    {
        await using var db = await OpenAsync();
        var now = DateTime.UtcNow;
        for (var first = 0; first < count; first += RowsPerStatement)
        {
            var rows = Math.Min(RowsPerStatement, count - first);
            var sql = new StringBuilder("INSERT INTO users (account, password_hash, nickname, role, created_at, updated_at) VALUES ");
            var parameters = new DynamicParameters(new { Hash = UnusableHash, Now = now });
            for (var r = 0; r < rows; r++)
            {
                if (r > 0) sql.Append(',');
                sql.Append($"(@a{r}, @Hash, @n{r}, 'shopper', @Now, @Now)");
                parameters.Add($"a{r}", AccountOf(RunId, first + r));
                parameters.Add($"n{r}", $"bench {first + r}");
            }
            await db.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, cancellationToken: ct));
        }
        var ids = (await db.QueryAsync<(long Id, string Account)>(new CommandDefinition(
                "SELECT id, account FROM users WHERE account LIKE @Pattern", new { Pattern = $"b{RunId}-%@bench.mall.local" }, cancellationToken: ct)))
            .ToDictionary(r => r.Account, r => r.Id);
        var users = new BenchUser[count];
        Parallel.For(0, count, i =>
        {
            var account = AccountOf(RunId, i);
            var id = ids[account];
            users[i] = new BenchUser(id, account, signer.Issue(id, "shopper", TokenLifetime));
        });
        return users;
    }

    /// <summary>The seeded admin if there is one, else an admin row of this run; either way a token with role admin.</summary>
    public async Task<BenchUser> AdminAsync(CancellationToken ct)
    {
        await using var db = await OpenAsync();
        var id = await db.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM users WHERE account = 'admin@mall.local' AND role = 'admin'", cancellationToken: ct));
        var account = "admin@mall.local";
        if (id is null)
        {
            account = $"b{RunId}-admin@bench.mall.local";
            await db.ExecuteAsync(new CommandDefinition("""
                INSERT INTO users (account, password_hash, nickname, role, created_at, updated_at)
                VALUES (@Account, @Hash, 'bench admin', 'admin', @Now, @Now)
                """, new { Account = account, Hash = UnusableHash, Now = DateTime.UtcNow }, cancellationToken: ct));
            id = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT id FROM users WHERE account = @Account", new { Account = account }, cancellationToken: ct));
        }
        return new BenchUser(id.Value, account, signer.Issue(id.Value, "admin", TokenLifetime));
    }

    public async Task<(long ProductId, long SkuId)> InsertProductAsync(string title, long priceCents, int stock, CancellationToken ct)
    {
        await using var db = await OpenAsync();
        var now = DateTime.UtcNow;
        var categoryId = await db.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(id) FROM categories", cancellationToken: ct)) ?? 1;
        var productId = await db.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO products (category_id, title, subtitle, description, images, on_shelf, created_at, updated_at)
            VALUES (@CategoryId, @Title, 'load test', 'Created by Mall.LoadTests.', '[]', 1, @Now, @Now);
            SELECT LAST_INSERT_ID();
            """, new { CategoryId = categoryId, Title = $"{title} {RunId}", Now = now }, cancellationToken: ct));
        var skuId = await db.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO skus (product_id, specs, price_cents, stock, created_at, updated_at)
            VALUES (@ProductId, '{}', @Price, @Stock, @Now, @Now);
            SELECT LAST_INSERT_ID();
            """, new { ProductId = productId, Price = priceCents, Stock = stock, Now = now }, cancellationToken: ct));
        return (productId, skuId);
    }

    public async Task<Dictionary<long, long>> InsertAddressesAsync(IReadOnlyList<BenchUser> users, CancellationToken ct)
    {
        await using var db = await OpenAsync();
        var now = DateTime.UtcNow;
        foreach (var chunk in users.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO addresses (user_id, receiver, phone, province, city, district, detail, is_default, created_at, updated_at) VALUES ");
            var parameters = new DynamicParameters(new { Now = now });
            for (var r = 0; r < chunk.Length; r++)
            {
                if (r > 0) sql.Append(',');
                sql.Append($"(@u{r}, 'Bench', '13800000000', 'Shanghai', 'Shanghai', 'Pudong', 'Load test lane 1', 1, @Now, @Now)");
                parameters.Add($"u{r}", chunk[r].UserId);
            }
            await db.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, cancellationToken: ct));
        }
        var ids = users.Select(u => u.UserId).ToArray();
        return (await db.QueryAsync<(long UserId, long Id)>(new CommandDefinition(
                "SELECT user_id, MAX(id) FROM addresses WHERE user_id IN @Ids GROUP BY user_id", new { Ids = ids }, cancellationToken: ct)))
            .ToDictionary(r => r.UserId, r => r.Id);
    }
}
