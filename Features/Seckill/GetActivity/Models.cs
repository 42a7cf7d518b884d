using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Seckill.GetActivity;

public sealed record Response(long Id, string Title, SkuView Sku, long PriceCents, long OriginalPriceCents,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, int LimitPerUser, long StockLeft, [ValuesOf(typeof(ActivityStatus))] string Status, long ServerTimeMs,
    int ChallengeBits);
