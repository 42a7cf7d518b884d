using Mall.Infrastructure;

namespace Mall.Features.Addresses;

public static class AddressesFeature
{
    public static void AddAddressesFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddMallOptions<AddressOptions>("Addresses");
    }
}
