using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.CreateCategory;

public sealed record Request(string Name, long? ParentId, int SortOrder);

public sealed record Response(long Id, string Name, long? ParentId);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(64).Must(n => n is null || !n.Any(char.IsControl))
            .WithMessage("Name must not contain control characters.");
        RuleFor(r => r.ParentId).InclusiveBetween(1, CatalogRules.MaxId).When(r => r.ParentId is not null);
        RuleFor(r => r.SortOrder).InclusiveBetween(0, 100_000);
    }
}
