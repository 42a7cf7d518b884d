namespace Mall.Features.Seckill.GetActivity;

public sealed record Response(long Id, string Title, SkuView Sku, long PriceCents, long OriginalPriceCents,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int LimitPerUser, long StockLeft, string Status, long ServerTimeMs);
