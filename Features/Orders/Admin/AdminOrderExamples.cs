namespace Mall.Features.Orders.Admin;

internal static class AdminOrderExamples
{
    private static readonly DateTime Placed = new(2026, 11, 25, 8, 15, 30, DateTimeKind.Utc);

    public static readonly AdminOrderDetail Detail = new("20261125081530123456789", OrderKind.Normal, OrderStatus.Shipped, 299900,
        [new OrderItemView(11, 1, "星河 X5 智能手机", new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, "/media/products/phone-x5.svg", 299900, 1, 299900)],
        new AddressSnapshot("韩梅梅", "13800138000", "广东省", "深圳市", "南山区", "科技园南区 1 栋 101"), 42,
        new OrderShopper(42, "13800138000", "梅梅", false),
        [new OrderPaymentView("P20261125081612345678", "wechatpay", "native", 299900, "Paid", "4200001234202611250000000001", Placed.AddMinutes(1),
            Placed.AddMinutes(2), null, null)],
        new OrderShipment("顺丰速运", "SF1234567890123", Placed.AddHours(3)),
        [
            new(TimelineEvent.Created, Placed, TimelineActor.Shopper, 42, "13800138000", null),
            new(TimelineEvent.Paid, Placed.AddMinutes(2), TimelineActor.Shopper, 42, "13800138000", "wechatpay P20261125081612345678"),
            new(TimelineEvent.Shipped, Placed.AddHours(3), TimelineActor.Operator, 1, "admin@mall.local", "顺丰速运 SF1234567890123"),
        ],
        [new OrderRemark(7, "顾客来电要求周末送达", 1, "admin@mall.local", Placed.AddHours(1))],
        null, null, null, Placed, Placed.AddMinutes(15), Placed.AddMinutes(2), Placed.AddHours(3), null, null,
        [new OrderRefundView("RF20261126090000123456", "AS20261126085900123456", 5000, "Succeeded", Placed.AddDays(1), Placed.AddDays(1).AddSeconds(3))],
        5000);
}
