using FastEndpoints;
using FluentValidation;
using Mall.Features.Catalog;

namespace Mall.Features.Addresses.DeleteAddress;

public sealed class Request
{
    public long Id { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
}
