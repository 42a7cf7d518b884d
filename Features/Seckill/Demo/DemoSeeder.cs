using Dapper;
using Mall.Features.Seckill.Admin.PublishActivity;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Seckill.Demo;

/// <summary>
/// With Mall:SeedDemoData, makes sure one demo activity is upcoming or live: starting about five minutes after
/// the API starts, on an on-shelf SKU with enough available stock (or a small demo product of its own), and
/// published. Idempotent: nothing happens while a demo activity has not ended; a named lock keeps two
/// instances starting together from creating two.
/// </summary>
internal sealed class DemoSeeder(MySqlDataSource db, Publisher publisher, IConfiguration configuration, TimeProvider clock,
    ILogger<DemoSeeder> logger) : IStartupSeeder
{
    public SeedOrder Order => SeedOrder.Seckill;

    private const string DemoTitle = "限时秒杀 · Demo flash sale";
    private const int DemoStock = 20;

    private const string ExistingDemo = "SELECT id FROM seckill_activities WHERE title = @Title AND ends_at > @Now AND cancelled_at IS NULL LIMIT 1";

    private const string FindSku = """
        SELECT s.id FROM skus s JOIN products p ON p.id = s.product_id
        WHERE p.on_shelf = 1 AND s.stock - s.locked - s.sold >= @Stock
        ORDER BY s.id LIMIT 1
        """;

    private const string CreateDemoProduct = """
        INSERT INTO categories (parent_id, name, sort_order) VALUES (NULL, '秒杀专区', 99);
        INSERT INTO products (category_id, title, subtitle, description, images, on_shelf, created_at, updated_at)
        VALUES (LAST_INSERT_ID(), '秒杀演示商品', 'Demo product for the flash sale', 'Created by the seckill demo seeder.', '[]', 1, @Now, @Now);
        INSERT INTO skus (product_id, specs, price_cents, stock, created_at, updated_at)
        VALUES (LAST_INSERT_ID(), '{}', 19900, 1000, @Now, @Now);
        SELECT LAST_INSERT_ID();
        """;

    private const string Reserve = "UPDATE skus SET locked = locked + @Stock, updated_at = @Now WHERE id = @SkuId AND stock - locked - sold >= @Stock";

    private const string Insert = """
        INSERT INTO seckill_activities (sku_id, title, price_cents, stock, limit_per_user, starts_at, ends_at, created_at, updated_at)
        SELECT s.id, @Title, GREATEST(1, s.price_cents DIV 2), @Stock, 1, @StartsAt, @EndsAt, @Now, @Now FROM skus s WHERE s.id = @SkuId;
        SELECT LAST_INSERT_ID();
        """;

    public async Task SeedAsync(CancellationToken ct)
    {
        if (!configuration.GetValue("Mall:SeedDemoData", false)) return;
        var now = clock.GetUtcNow().UtcDateTime;
        long activityId;
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT GET_LOCK('mall_seckill_demo', 10)") != 1) return;
            try
            {
                var existing = await connection.ExecuteScalarAsync<long?>(ExistingDemo, new { Title = DemoTitle, Now = now });
                if (existing is not null)
                {
                    await publisher.PublishAsync(existing.Value, ct);
                    return;
                }
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var skuId = await connection.ExecuteScalarAsync<long?>(FindSku, new { Stock = DemoStock }, transaction)
                            ?? await connection.ExecuteScalarAsync<long>(CreateDemoProduct, new { Now = now }, transaction);
                await connection.ExecuteAsync(Reserve, new { Stock = DemoStock, SkuId = skuId, Now = now }, transaction);
                activityId = await connection.ExecuteScalarAsync<long>(Insert, new
                {
                    SkuId = skuId, Title = DemoTitle, Stock = DemoStock, Now = now,
                    StartsAt = now.AddMinutes(5), EndsAt = now.AddMinutes(65),
                }, transaction);
                await transaction.CommitAsync(ct);
            }
            finally
            {
                await connection.ExecuteAsync("DO RELEASE_LOCK('mall_seckill_demo')");
            }
        }
        await publisher.PublishAsync(activityId, ct);
        logger.LogInformation("Seeded the demo seckill activity {ActivityId}, starting in 5 minutes", activityId);
    }
}
