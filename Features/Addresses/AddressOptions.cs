namespace Mall.Features.Addresses;

public sealed class AddressOptions
{
    public int MaxPerUser { get; set; } = 20;
}
