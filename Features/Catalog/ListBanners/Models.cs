using Mall.Features.Catalog.Admin;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Catalog.ListBanners;

/// <summary>A home-page banner: its picture, words, and where a tap goes (a product, a category's list, or a flash sale).</summary>
public sealed record BannerItem(long Id, string Title, string Image, [ValuesOf(typeof(BannerTargets))] string TargetType, long TargetId);

public sealed record Response(IReadOnlyList<BannerItem> Items);
