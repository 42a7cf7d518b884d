using FastEndpoints;

namespace Mall.Features.Catalog.Admin.CreateBanner;

/// <param name="Image">A site-local path, usually the url POST /admin/banners/images answered with.</param>
/// <param name="TargetType">product, category or seckill: what targetId names.</param>
/// <param name="Position">Display order, ascending (ties by id).</param>
/// <param name="StartsAt">Shown from (UTC); null: already.</param>
/// <param name="EndsAt">Shown until, exclusive (UTC); null: open-ended.</param>
public sealed record Request(string Title, string Image, string TargetType, long TargetId, int Position = 0,
    DateTime? StartsAt = null, DateTime? EndsAt = null, bool Enabled = true) : IBannerInput;

public sealed class Validator : Validator<Request>
{
    public Validator() => Include(new BannerInputRules<Request>());
}
