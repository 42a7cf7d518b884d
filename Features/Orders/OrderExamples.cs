namespace Mall.Features.Orders;

internal static class OrderExamples
{
    private static readonly DateTime Placed = new(2026, 11, 25, 8, 15, 30, DateTimeKind.Utc);

    public static readonly OrderDetail Detail = new("20261125081530123456789", "normal", OrderStatus.Paid, 299900,
        [new OrderItemView(11, 1, "星河 X5 智能手机", new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, "/media/products/phone-x5.svg", 299900, 1, 299900)],
        new AddressSnapshot("韩梅梅", "13800138000", "广东省", "深圳市", "南山区", "科技园南区 1 栋 101"), null,
        Placed, Placed.AddMinutes(15), Placed.AddMinutes(2), null, null, null);

    public static readonly OrderPage Page = new(
        [new OrderSummary("20261125081530123456789", "normal", OrderStatus.Paid, 299900, 1, "星河 X5 智能手机", "/media/products/phone-x5.svg",
            Placed, Placed.AddMinutes(15))], 1, 20, 1);
}
