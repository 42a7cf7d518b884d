using FastEndpoints;
using FluentValidation;
using Mall.Features.Catalog;

namespace Mall.Features.Addresses.UpdateAddress;

public sealed class Request : IAddressInput
{
    public long Id { get; init; }
    public string Receiver { get; init; } = "";
    public string Phone { get; init; } = "";
    public string Province { get; init; } = "";
    public string City { get; init; } = "";
    public string District { get; init; } = "";
    public string Detail { get; init; } = "";
    public bool IsDefault { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Id).InclusiveBetween(1, CatalogRules.MaxId);
        Include(new AddressInputRules<Request>());
    }
}
