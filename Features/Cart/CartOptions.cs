namespace Mall.Features.Cart;

public sealed class CartOptions
{
    public int MaxLines { get; set; } = 50;
    /// <summary>Keep equal to Orders:MaxQuantityPerLine, so whatever fits in the cart can be checked out.</summary>
    public int MaxQuantityPerLine { get; set; } = 10;
    /// <summary>A cart untouched this long is dropped by Redis.</summary>
    public int IdleDays { get; set; } = 30;
}
