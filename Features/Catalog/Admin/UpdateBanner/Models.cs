using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.UpdateBanner;

/// <summary>The banner as it should be: every field is replaced (an omitted window side becomes open).</summary>
public sealed class Request : IBannerInput
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    /// <summary>A site-local path, usually the url POST /admin/banners/images answered with.</summary>
    public string Image { get; init; } = "";
    /// <summary>product, category or seckill: what targetId names.</summary>
    public string TargetType { get; init; } = "";
    public long TargetId { get; init; }
    /// <summary>Display order, ascending (ties by id).</summary>
    public int Position { get; init; }
    /// <summary>Shown from (UTC); null: already.</summary>
    public DateTime? StartsAt { get; init; }
    /// <summary>Shown until, exclusive (UTC); null: open-ended.</summary>
    public DateTime? EndsAt { get; init; }
    public bool Enabled { get; init; } = true;
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        Include(new BannerInputRules<Request>());
    }
}
