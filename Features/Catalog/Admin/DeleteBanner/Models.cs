using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Catalog.Admin.DeleteBanner;

public sealed class Request
{
    public long Id { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
}
