using Mall.Features.Orders;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.GetMine;

/// <param name="Reserved">Units this shopper reserved in the sale (lapsed ones included: they still count against the
/// limit); null when Redis did not answer and only the orders are known.</param>
/// <param name="Orders">Their orders from the sale, newest first. Fewer units in orders than reserved: the rest is still
/// being written (a few seconds in a burst).</param>
public sealed record Response(long ActivityId, int? Reserved, IReadOnlyList<Order> Orders);

public sealed record Order(string OrderNo, [ValuesOf(typeof(OrderStatus))] string Status, string? ReservationId, int Quantity, DateTime CreatedAt);
