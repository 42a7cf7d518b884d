namespace Mall.Features.Seckill.GetServerTime;

public sealed record Response(long ServerTimeMs);
