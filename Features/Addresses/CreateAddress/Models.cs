using FastEndpoints;

namespace Mall.Features.Addresses.CreateAddress;

public sealed record Request(string Receiver, string Phone, string Province, string City, string District, string Detail, bool IsDefault)
    : IAddressInput;

public sealed class Validator : Validator<Request>
{
    public Validator() => Include(new AddressInputRules<Request>());
}
