using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using MySqlConnector;

namespace Mall.LoadTests.Shop;

/// <summary>What one seed-orders run did.</summary>
public sealed record SeedResult(long OrdersBefore, long OrdersWritten, long ItemsWritten, double Seconds, IReadOnlyDictionary<string, long> ByStatus);

/// <summary>
/// A big shop's order history for the dashboard and order-search benchmark: orders of both kinds placed over the last
/// N days, in the status each would have reached by now (recent ones unpaid or paid, older ones shipped and completed,
/// about a third cancelled unpaid, a few refunded), 1–3 items each from a catalogue where a few products sell far more
/// than the rest. Written as multi-row INSERTs with explicit order ids (so the items of a batch know their order
/// without reading anything back), each batch and its items in one transaction, several connections side by side.
/// </summary>
public sealed class OrderSeeder(string connectionString)
{
    public const string ShopperDomain = "seed.mall.local";
    private const string ProductSubtitle = "seed-orders";
    private const string Address = """{"receiver":"Bench","phone":"13800000000","province":"上海市","city":"上海市","district":"浦东新区","detail":"Load test lane 1"}""";

    private sealed record SeedProduct(long ProductId, long SkuId, long PriceCents, string Title);

    private async Task<MySqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new MySqlConnection(new MySqlConnectionStringBuilder(connectionString) { AllowUserVariables = true, DefaultCommandTimeout = 600 }.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public async Task<SeedResult> SeedAsync(int targetOrders, int days, int shoppers, int products, int batch, int writers, int seed,
        Action<string> progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var db = await OpenAsync(ct);
        var before = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM orders", cancellationToken: ct));
        var missing = targetOrders - before;
        if (missing <= 0) return new SeedResult(before, 0, 0, clock.Elapsed.TotalSeconds, new Dictionary<string, long>());

        var userIds = await EnsureShoppersAsync(db, shoppers, ct);
        var catalogue = await EnsureProductsAsync(db, products, ct);
        progress($"{userIds.Length:N0} shoppers and {catalogue.Length:N0} products ready; writing {missing:N0} orders…");

        var firstId = await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(id), 0) + 1 FROM orders", cancellationToken: ct));
        var now = DateTime.UtcNow;
        var batches = (int)((missing + batch - 1) / batch);
        long written = 0, items = 0, done = 0;
        var byStatus = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            await using var connection = await OpenAsync(ct);
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var from = (long)b * batch;
                var count = (int)Math.Min(batch, missing - from);
                var plan = Plan(new Random(HashCode.Combine(seed, b)), firstId + from, count, now, days, userIds, catalogue);
                await using (var tx = await connection.BeginTransactionAsync(ct))
                {
                    await connection.ExecuteAsync(new CommandDefinition(plan.Orders, transaction: tx, cancellationToken: ct));
                    await connection.ExecuteAsync(new CommandDefinition(plan.Items, transaction: tx, cancellationToken: ct));
                    if (plan.StockMoves is not null)
                        await connection.ExecuteAsync(new CommandDefinition(plan.StockMoves, transaction: tx, cancellationToken: ct));
                    await tx.CommitAsync(ct);
                }
                Interlocked.Add(ref written, count);
                Interlocked.Add(ref items, plan.ItemCount);
                foreach (var (status, n) in plan.ByStatus) byStatus.AddOrUpdate(status, n, (_, total) => total + n);
                var finished = Interlocked.Increment(ref done);
                if (finished % Math.Max(1, batches / 20) == 0 || finished == batches)
                    progress($"{Interlocked.Read(ref written):N0} / {missing:N0} orders ({Interlocked.Read(ref written) / clock.Elapsed.TotalSeconds:N0}/s)");
            }
        }));
        return new SeedResult(before, written, items, clock.Elapsed.TotalSeconds,
            byStatus.OrderByDescending(s => s.Value).ToDictionary(s => s.Key, s => s.Value));
    }

    /// <param name="StockMoves">The SKU counters the batch's orders account for, as the shop keeps them: an unpaid
    /// order holds its units (locked), a paid one has sold them (sold). The expiry sweep, payments and refunds then
    /// find the counters they move, as on a real shop.</param>
    private sealed record BatchPlan(string Orders, string Items, string? StockMoves, long ItemCount, Dictionary<string, long> ByStatus);

    private static BatchPlan Plan(Random random, long firstId, int count, DateTime now, int days, long[] userIds, SeedProduct[] catalogue)
    {
        var orders = new StringBuilder(count * 330);
        var items = new StringBuilder(count * 160);
        var byStatus = new Dictionary<string, long>();
        Dictionary<long, long> locked = [], sold = [];
        long itemCount = 0;
        orders.Append("INSERT INTO orders (id, order_no, user_id, kind, status, total_cents, address_snapshot, cancel_reason, created_at, updated_at, ")
            .Append("expires_at, paid_at, shipped_at, completed_at, cancelled_at) VALUES ");
        items.Append("INSERT INTO order_items (order_id, sku_id, product_id, title, specs, image, price_cents, quantity) VALUES ");
        var span = TimeSpan.FromDays(days);
        for (var i = 0; i < count; i++)
        {
            var id = firstId + i;
            var created = now - span * random.NextDouble();
            var seckill = random.NextDouble() < 0.08;
            var (status, paid, shipped, completed, cancelled, reason) = Lifecycle(random, created, now, seckill);
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            var counter = status switch
            {
                "PendingPayment" => locked,
                "Paid" or "Shipped" or "Completed" or "Refunding" => sold,
                _ => null,
            };

            var lines = seckill ? 1 : random.NextDouble() switch { < 0.65 => 1, < 0.90 => 2, _ => 3 };
            long total = 0;
            for (var l = 0; l < lines; l++)
            {
                // A few best sellers: the index leans towards the front of the catalogue.
                var product = catalogue[(int)(catalogue.Length * Math.Pow(random.NextDouble(), 2.5))];
                var quantity = seckill ? 1 : random.NextDouble() switch { < 0.80 => 1, < 0.95 => 2, _ => 3 };
                total += product.PriceCents * quantity;
                if (counter is not null) counter[product.SkuId] = counter.GetValueOrDefault(product.SkuId) + quantity;
                if (itemCount++ > 0) items.Append(',');
                items.Append('(').Append(id).Append(',').Append(product.SkuId).Append(',').Append(product.ProductId).Append(",'")
                    .Append(product.Title).Append("','{}','',").Append(product.PriceCents).Append(',').Append(quantity).Append(')');
            }

            if (i > 0) orders.Append(',');
            var updated = new[] { created, paid ?? created, shipped ?? created, completed ?? created, cancelled ?? created }.Max();
            orders.Append('(').Append(id).Append(",'")
                .Append(seckill ? "SK" : "").Append(created.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)).Append(id.ToString("D10", CultureInfo.InvariantCulture))
                .Append("',").Append(userIds[(int)(userIds.Length * Math.Pow(random.NextDouble(), 1.5))])
                .Append(seckill ? ",'seckill','" : ",'normal','").Append(status).Append("',").Append(total)
                .Append(",'").Append(Address).Append("',").Append(reason is null ? "NULL" : $"'{reason}'")
                .Append(',').Append(Sql(created)).Append(',').Append(Sql(updated))
                .Append(',').Append(Sql(created.AddMinutes(seckill ? 5 : 15)))
                .Append(',').Append(Sql(paid)).Append(',').Append(Sql(shipped)).Append(',').Append(Sql(completed)).Append(',').Append(Sql(cancelled))
                .Append(')');
        }
        return new BatchPlan(orders.ToString(), items.ToString(), StockMoves(locked, sold), itemCount, byStatus);
    }

    /// <summary>One UPDATE adding the batch's held and sold units to their SKUs, in id order (as checkout locks them).</summary>
    private static string? StockMoves(Dictionary<long, long> locked, Dictionary<long, long> sold)
    {
        var skus = locked.Keys.Union(sold.Keys).Order().ToList();
        if (skus.Count == 0) return null;
        string Case(Dictionary<long, long> by) =>
            "CASE id " + string.Concat(by.Select(m => $"WHEN {m.Key} THEN {m.Value} ")) + "ELSE 0 END";
        return $"UPDATE skus SET locked = locked + {(locked.Count == 0 ? "0" : Case(locked))}, " +
               $"sold = sold + {(sold.Count == 0 ? "0" : Case(sold))} WHERE id IN ({string.Join(',', skus)}) ORDER BY id";
    }

    /// <summary>Where an order placed at <paramref name="created"/> would be by now, and when it got there.</summary>
    private static (string Status, DateTime? Paid, DateTime? Shipped, DateTime? Completed, DateTime? Cancelled, string? Reason) Lifecycle(
        Random random, DateTime created, DateTime now, bool seckill)
    {
        var age = now - created;
        var window = TimeSpan.FromMinutes(seckill ? 5 : 15);
        var roll = random.NextDouble();
        if (roll < 0.06) return ("Cancelled", null, null, null, Before(created + TimeSpan.FromMinutes(random.NextDouble() * 10), now), "shopper");
        var paysAt = created + TimeSpan.FromSeconds(20 + random.NextDouble() * (window.TotalSeconds - 30));
        if (roll < 0.34)
        {
            // Never paid: unpaid until its deadline, then cancelled by the expiry sweep.
            // A seeded seckill order belongs to no activity, so none is left unpaid: the shop's seckill expiry would
            // have no reservation to return its unit to.
            return age >= window ? ("Cancelled", null, null, null, created + window, "expired")
                : seckill ? ("Cancelled", null, null, null, now, "shopper") : ("PendingPayment", null, null, null, null, null);
        }
        if (paysAt > now) return seckill ? ("Paid", now, null, null, null, null) : ("PendingPayment", null, null, null, null, null);
        var shipsAt = paysAt + TimeSpan.FromHours(2 + random.NextDouble() * 40);
        var completesAt = shipsAt + TimeSpan.FromDays(2 + random.NextDouble() * 5);
        var after = random.NextDouble();
        if (after < 0.04) return ("Refunded", paysAt, null, null, null, null);
        if (after < 0.05) return ("Refunding", paysAt, null, null, null, null);
        if (shipsAt > now || after < 0.07) return ("Paid", paysAt, null, null, null, null);
        if (completesAt > now || after < 0.12) return ("Shipped", paysAt, shipsAt, null, null, null);
        return ("Completed", paysAt, shipsAt, completesAt, null, null);
    }

    private static DateTime Before(DateTime value, DateTime limit) => value < limit ? value : limit;

    private static string Sql(DateTime? value) =>
        value is null ? "NULL" : "'" + value.Value.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "'";

    private static async Task<long[]> EnsureShoppersAsync(MySqlConnection db, int shoppers, CancellationToken ct)
    {
        const int rows = 2_000;
        var now = Sql(DateTime.UtcNow);
        for (var first = 0; first < shoppers; first += rows)
        {
            var sql = new StringBuilder("INSERT IGNORE INTO users (account, password_hash, nickname, role, created_at, updated_at) VALUES ");
            for (var i = first; i < Math.Min(shoppers, first + rows); i++)
            {
                if (i > first) sql.Append(',');
                sql.Append($"('s{i}@{ShopperDomain}','{ShopData.UnusableHash}','seed {i}','shopper',{now},{now})");
            }
            await db.ExecuteAsync(new CommandDefinition(sql.ToString(), cancellationToken: ct));
        }
        return (await db.QueryAsync<long>(new CommandDefinition(
            $"SELECT id FROM users WHERE account LIKE '%@{ShopperDomain}' ORDER BY id LIMIT {shoppers}", cancellationToken: ct))).ToArray();
    }

    private static async Task<SeedProduct[]> EnsureProductsAsync(MySqlConnection db, int products, CancellationToken ct)
    {
        const string existing = """
            SELECT p.id AS ProductId, MIN(s.id) AS SkuId, MIN(s.price_cents) AS PriceCents, p.title AS Title
            FROM products p JOIN skus s ON s.product_id = p.id
            WHERE p.subtitle = @Subtitle GROUP BY p.id, p.title ORDER BY p.id
            """;
        var have = (await db.QueryAsync<SeedProduct>(new CommandDefinition(existing, new { Subtitle = ProductSubtitle }, cancellationToken: ct))).ToList();
        if (have.Count < products)
        {
            var categoryId = await db.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MIN(id) FROM categories", cancellationToken: ct)) ?? 1;
            var random = new Random(products);
            for (var i = have.Count; i < products; i++)
            {
                // Prices from ¥9.90 to ¥4,999: a few expensive products can lead on GMV while cheap ones lead on units.
                var price = (long)Math.Round(990 + Math.Pow(random.NextDouble(), 3) * 499_000, 0);
                await db.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO products (category_id, title, subtitle, description, images, on_shelf, created_at, updated_at)
                    VALUES (@CategoryId, @Title, @Subtitle, 'Written by mall bench seed-orders.', '[]', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
                    INSERT INTO skus (product_id, specs, price_cents, stock, created_at, updated_at)
                    VALUES (LAST_INSERT_ID(), '{}', @Price, 1000000, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
                    """, new { CategoryId = categoryId, Title = $"Seed product {i + 1}", Subtitle = ProductSubtitle, Price = price }, cancellationToken: ct));
            }
            have = (await db.QueryAsync<SeedProduct>(new CommandDefinition(existing, new { Subtitle = ProductSubtitle }, cancellationToken: ct))).ToList();
        }
        return have.Take(products).ToArray();
    }
}
