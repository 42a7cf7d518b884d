namespace Mall.Features.Cart;

internal static class CartExamples
{
    public static readonly CartResponse Cart = new(
        [new CartLine(11, 1, "星河 X5 智能手机", new() { ["颜色"] = "曜石黑", ["容量"] = "256G" }, "/media/products/phone-x5.svg",
            299900, 2, 599800, 37, true, false)],
        2, 599800, true);
}
