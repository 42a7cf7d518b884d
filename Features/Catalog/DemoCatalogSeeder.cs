using Dapper;
using Mall.Infrastructure;
using MySqlConnector;

namespace Mall.Features.Catalog;

/// <summary>
/// Demo catalog for <c>./mall up</c> (Mall:SeedDemoData = true): four top categories with subcategories and
/// fourteen products with several SKUs each, images served from wwwroot/media/products. It fills only an empty
/// catalog, under a named database lock, so restarts and several instances starting together seed it once.
/// </summary>
internal sealed class DemoCatalogSeeder(MySqlDataSource db, IConfiguration configuration, TimeProvider clock, CatalogCache cache,
    ILogger<DemoCatalogSeeder> logger) : IStartupSeeder
{
    public SeedOrder Order => SeedOrder.Catalog;

    private sealed record DemoSku(string Specs, long PriceCents, int Stock);
    private sealed record DemoProduct(string Category, string Title, string Subtitle, string Description, string Image, long Sales, DemoSku[] Skus);

    private static readonly (string Top, string[] Subs)[] Categories =
    [
        ("数码", ["手机", "耳机", "平板"]),
        ("食品", ["零食", "饮料"]),
        ("服饰", ["男装", "女装", "鞋靴"]),
        ("家居", ["厨具", "床品"]),
    ];

    private static readonly DemoProduct[] Products =
    [
        new("手机", "星河 X5 智能手机", "6.7 英寸 OLED 直屏 · 5000 万像素三摄", "旗舰影像系统，支持 100W 快充与 IP68 防水。", "phone-x5.svg", 1860,
            [new("""{"颜色":"曜石黑","容量":"256G"}""", 299900, 200), new("""{"颜色":"曜石黑","容量":"512G"}""", 329900, 120),
             new("""{"颜色":"冰川蓝","容量":"256G"}""", 299900, 150)]),
        new("手机", "青柚 Lite 5G 手机", "轻薄机身 · 长续航", "6.5 英寸护眼屏，5500mAh 大电池，日常使用两天一充。", "phone-lite.svg", 3420,
            [new("""{"颜色":"青柚绿","容量":"128G"}""", 139900, 300), new("""{"颜色":"青柚绿","容量":"256G"}""", 159900, 260),
             new("""{"颜色":"月光白","容量":"128G"}""", 139900, 240)]),
        new("耳机", "声浪 Pro 主动降噪耳机", "48dB 深度降噪 · 空间音频", "入耳式真无线耳机，单次续航 8 小时，支持无线充电。", "earbuds-pro.svg", 5210,
            [new("""{"颜色":"珍珠白"}""", 89900, 400), new("""{"颜色":"石墨黑"}""", 89900, 380)]),
        new("耳机", "云朵 H2 头戴式无线耳机", "柔软耳罩 · 60 小时续航", "蓝牙 5.3，双设备连接，折叠便携。", "headphones-h2.svg", 980,
            [new("""{"颜色":"奶油白"}""", 59900, 150), new("""{"颜色":"雾霾蓝"}""", 59900, 150)]),
        new("平板", "星河 Pad 11 平板电脑", "11 英寸 2.8K 屏 · 144Hz", "学习办公两相宜，支持手写笔与键盘。", "pad-11.svg", 760,
            [new("""{"版本":"WiFi","容量":"128G"}""", 199900, 100), new("""{"版本":"WiFi","容量":"256G"}""", 229900, 80)]),
        new("零食", "每日坚果 30 袋装", "7 种坚果果干 · 独立小包", "巴旦木、腰果、核桃仁、蔓越莓干等科学配比，每袋 25g。", "nuts.svg", 12800,
            [new("""{"规格":"750g/30袋"}""", 12900, 800), new("""{"规格":"1.5kg/60袋"}""", 23900, 500)]),
        new("零食", "手撕牛肉干 麻辣味", "内蒙古风干 · 有嚼劲", "精选牛后腿肉，传统风干工艺。", "beef-jerky.svg", 6400,
            [new("""{"口味":"麻辣","规格":"100g"}""", 3990, 600), new("""{"口味":"五香","规格":"100g"}""", 3990, 600),
             new("""{"口味":"麻辣","规格":"250g"}""", 8900, 300)]),
        new("零食", "海苔脆片 原味", "烘烤不油炸 · 独立装", "韩式烤海苔夹心脆片，酥脆不腻。", "seaweed.svg", 9100,
            [new("""{"规格":"40g×3 盒"}""", 2990, 900), new("""{"规格":"40g×6 盒"}""", 5490, 600)]),
        new("饮料", "冷萃咖啡 无糖 12 瓶", "0 糖 0 脂 · 低温萃取", "阿拉比卡咖啡豆 18 小时冷萃，即开即饮。", "coffee.svg", 4300,
            [new("""{"口味":"经典黑咖","规格":"270ml×12"}""", 8900, 400), new("""{"口味":"燕麦拿铁","规格":"270ml×12"}""", 9900, 300)]),
        new("男装", "男士纯棉圆领 T 恤", "新疆长绒棉 · 220g 重磅", "宽松版型，不易变形，多色可选。", "tshirt.svg", 15600,
            [new("""{"颜色":"白色","尺码":"M"}""", 7900, 300), new("""{"颜色":"白色","尺码":"L"}""", 7900, 300),
             new("""{"颜色":"黑色","尺码":"L"}""", 7900, 300), new("""{"颜色":"黑色","尺码":"XL"}""", 7900, 200)]),
        new("女装", "女士羊毛针织开衫", "70% 绵羊毛 · 柔软亲肤", "V 领单排扣，春秋百搭外套。", "cardigan.svg", 2300,
            [new("""{"颜色":"燕麦色","尺码":"S"}""", 35900, 80), new("""{"颜色":"燕麦色","尺码":"M"}""", 35900, 100),
             new("""{"颜色":"雾粉色","尺码":"M"}""", 35900, 90)]),
        new("鞋靴", "轻跑 3 代运动跑鞋", "缓震中底 · 透气网面", "适合日常慢跑与通勤，鞋重仅 230g。", "sneakers.svg", 4700,
            [new("""{"颜色":"云白","尺码":"40"}""", 49900, 60), new("""{"颜色":"云白","尺码":"42"}""", 49900, 80),
             new("""{"颜色":"夜黑","尺码":"42"}""", 49900, 80), new("""{"颜色":"夜黑","尺码":"43"}""", 49900, 60)]),
        new("厨具", "麦饭石不粘炒锅 32cm", "少油烟 · 电磁炉燃气通用", "加厚锅底受热均匀，附赠木铲。", "wok.svg", 3900,
            [new("""{"尺寸":"30cm"}""", 15900, 200), new("""{"尺寸":"32cm"}""", 17900, 200)]),
        new("床品", "全棉磨毛四件套", "A 类母婴级 · 亲肤保暖", "被套、床单与两只枕套，1.5m / 1.8m 床通用。", "bedding.svg", 2800,
            [new("""{"颜色":"奶咖格","尺寸":"1.5m"}""", 29900, 120), new("""{"颜色":"奶咖格","尺寸":"1.8m"}""", 32900, 120),
             new("""{"颜色":"雾蓝","尺寸":"1.8m"}""", 32900, 100)]),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (!configuration.GetValue("Mall:SeedDemoData", false)) return;
        await using var connection = await db.OpenConnectionAsync(ct);
        // Several instances may start together: the named lock lets one seed while the others wait, then skip.
        if (await connection.ExecuteScalarAsync<int?>("SELECT GET_LOCK('mall_demo_catalog', 30)") != 1)
            throw new InvalidOperationException("Could not take the demo-catalog seeding lock.");
        try
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM categories") > 0) return;
            await SeedEmptyCatalogAsync(connection, ct);
        }
        finally
        {
            await connection.ExecuteAsync("SELECT RELEASE_LOCK('mall_demo_catalog')");
        }
        await cache.ProductChangedAsync();
    }

    private async Task SeedEmptyCatalogAsync(MySqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var categoryIds = new Dictionary<string, long>();
        const string insertCategory = """
            INSERT INTO categories (parent_id, name, sort_order) VALUES (@ParentId, @Name, @SortOrder); SELECT LAST_INSERT_ID();
            """;
        for (var i = 0; i < Categories.Length; i++)
        {
            var (top, subs) = Categories[i];
            var topId = await connection.ExecuteScalarAsync<long>(insertCategory, new { ParentId = (long?)null, Name = top, SortOrder = i * 10 }, tx);
            for (var j = 0; j < subs.Length; j++)
                categoryIds[subs[j]] = await connection.ExecuteScalarAsync<long>(insertCategory, new { ParentId = topId, Name = subs[j], SortOrder = j * 10 }, tx);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < Products.Length; i++)
        {
            var p = Products[i];
            // Spread creation times so "newest" has a visible order.
            var createdAt = now.AddHours(-(Products.Length - i));
            var productId = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO products (category_id, title, subtitle, description, images, on_shelf, sales, created_at, updated_at)
                VALUES (@CategoryId, @Title, @Subtitle, @Description, @Images, 1, @Sales, @CreatedAt, @CreatedAt);
                SELECT LAST_INSERT_ID();
                """, new
            {
                CategoryId = categoryIds[p.Category], p.Title, p.Subtitle, p.Description,
                Images = CatalogRules.ToJson(new[] { "/media/products/" + p.Image }), p.Sales, CreatedAt = createdAt,
            }, tx);
            foreach (var sku in p.Skus)
                await connection.ExecuteAsync("""
                    INSERT INTO skus (product_id, specs, price_cents, stock, locked, sold, created_at, updated_at)
                    VALUES (@ProductId, @Specs, @PriceCents, @Stock, 0, 0, @CreatedAt, @CreatedAt)
                    """, new { ProductId = productId, sku.Specs, sku.PriceCents, sku.Stock, CreatedAt = createdAt }, tx);
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Seeded the demo catalog: {Categories} top categories, {Products} products", Categories.Length, Products.Length);
    }
}
