namespace Mall.Features.Seckill.GetReservation;

public sealed record Response(string ReservationId, string Status, string? OrderNo);
