using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.GetReservation;

public sealed record Response(string ReservationId, [ValuesOf(typeof(ReservationStatus))] string Status, string? OrderNo);
