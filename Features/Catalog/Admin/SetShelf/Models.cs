using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.SetShelf;

public sealed class Request
{
    public long Id { get; init; }
    public bool? OnShelf { get; init; }
}

public sealed record Response(long Id, bool OnShelf);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        RuleFor(r => r.OnShelf).NotNull();
    }
}
