using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.CreateCategory;

/// <param name="Icon">A site-local image path (/media/...); optional.</param>
public sealed record Request(string Name, long? ParentId, int SortOrder, string? Icon = null);

public sealed record Response(long Id, string Name, long? ParentId);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(64).Must(n => n is null || !n.Any(char.IsControl))
            .WithMessage("Name must not contain control characters.");
        RuleFor(r => r.ParentId).InclusiveBetween(1, CatalogRules.MaxId).When(r => r.ParentId is not null);
        RuleFor(r => r.SortOrder).InclusiveBetween(0, AdminCategories.MaxSortOrder);
        RuleFor(r => r.Icon).MaximumLength(300).Must(i => i == "" || CatalogRules.IsSitePath(i))
            .WithMessage("The icon is a site-local path such as /media/icons/phone.svg, or empty.").When(r => r.Icon is not null);
    }
}
