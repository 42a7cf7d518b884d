using System.Security.Cryptography;

namespace Mall.Features.Orders;

/// <summary>
/// yyyyMMddHHmmssfff (UTC) + 6 random digits: sorts by time as text, and the random tail means neighbouring
/// order numbers cannot be guessed from one's own. A clash needs the same millisecond and the same 1-in-a-million
/// tail; the unique key turns it into a retried insert rather than a wrong order.
/// </summary>
public static class OrderNumbers
{
    public static string New(DateTime nowUtc) =>
        nowUtc.ToString("yyyyMMddHHmmssfff") + RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");

    /// <summary>
    /// Cheap shape check before any I/O. Checkout numbers are all digits; seckill numbers ("SK…", see
    /// Features/Seckill/Reservation.cs) carry letters, and both are served by the same order endpoints.
    /// </summary>
    public static bool LooksValid(string? orderNo) => orderNo is { Length: >= 10 and <= 32 } && orderNo.All(char.IsAsciiLetterOrDigit);
}
