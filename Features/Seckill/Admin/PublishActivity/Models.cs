namespace Mall.Features.Seckill.Admin.PublishActivity;

public sealed record Response(long Id, long StockInRedis);
