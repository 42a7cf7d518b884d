namespace Mall.Features.Addresses;

public sealed record AddressView(long Id, string Receiver, string Phone, string Province, string City, string District,
    string Detail, bool IsDefault);
