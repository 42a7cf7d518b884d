namespace Mall.Features.Catalog.Admin.ListAllBanners;

/// <summary>Every banner, shown or not, by position then id.</summary>
public sealed record Response(IReadOnlyList<BannerView> Items);
