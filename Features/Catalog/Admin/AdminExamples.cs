namespace Mall.Features.Catalog.Admin;

/// <summary>Example values the console's product slices document.</summary>
public static class AdminExamples
{
    public static readonly DateTime At = new(2026, 11, 25, 8, 15, 30, DateTimeKind.Utc);

    public static readonly ProductImageView Image =
        new(31, "/media/products/1/3f9a0c5e2b7d4e1f8a6b5c4d3e2f1a0b.webp", 0, "image/webp", 1200, 1200, 84211);

    public static readonly AdminProductDetail Product = new(1, 4, "星河 X5 智能手机", "6.7 英寸 OLED", "旗舰影像", true, 1860, 3, At, At,
        [Image], [new AdminSkuView(11, new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, 299900, 200, 3, 20, 177)]);
}
