using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.UpdateCategory;

/// <summary>Only the fields sent change: rename, move in the display order, set or clear the icon.</summary>
public sealed class Request
{
    public long Id { get; init; }
    public string? Name { get; init; }
    /// <summary>Display order among its siblings, ascending (ties by id).</summary>
    public int? SortOrder { get; init; }
    /// <summary>A site-local image path (/media/...); empty clears it.</summary>
    public string? Icon { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.Name).NotEmpty().MaximumLength(64).Must(n => n is null || !n.Any(char.IsControl))
            .WithMessage("Name must not contain control characters.").When(r => r.Name is not null);
        RuleFor(r => r.SortOrder).InclusiveBetween(0, AdminCategories.MaxSortOrder).When(r => r.SortOrder is not null);
        RuleFor(r => r.Icon).MaximumLength(300).Must(i => i == "" || CatalogRules.IsSitePath(i))
            .WithMessage("The icon is a site-local path such as /media/icons/phone.svg, or empty.").When(r => r.Icon is not null);
        RuleFor(r => r).Must(r => r.Name is not null || r.SortOrder is not null || r.Icon is not null)
            .OverridePropertyName("name").WithMessage("Send at least one of name, sortOrder and icon.");
    }
}
