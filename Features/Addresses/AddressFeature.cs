using System.Text.RegularExpressions;
using FluentValidation;

namespace Mall.Features.Addresses;

public sealed class AddressOptions
{
    public int MaxPerUser { get; set; } = 20;
}

public static class AddressFeature
{
    public static void AddAddressServices(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton(builder.Configuration.GetSection("Addresses").Get<AddressOptions>() ?? new AddressOptions());
}

public sealed record AddressView(long Id, string Receiver, string Phone, string Province, string City, string District,
    string Detail, bool IsDefault);

/// <summary>Create and update take the same body and obey the same rules.</summary>
public interface IAddressInput
{
    string Receiver { get; }
    string Phone { get; }
    string Province { get; }
    string City { get; }
    string District { get; }
    string Detail { get; }
}

public sealed partial class AddressInputRules<T> : AbstractValidator<T> where T : IAddressInput
{
    public AddressInputRules()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Receiver).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("Receiver must not contain control characters.");
        RuleFor(r => r.Phone).NotEmpty().Must(p => MainlandMobile().IsMatch(p)).WithMessage("Phone must be an 11-digit mainland mobile number.");
        RuleFor(r => r.Province).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("Province must not contain control characters.");
        RuleFor(r => r.City).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("City must not contain control characters.");
        RuleFor(r => r.District).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("District must not contain control characters.");
        RuleFor(r => r.Detail).NotEmpty().MaximumLength(200).Must(Printable).WithMessage("Detail must not contain control characters.");
    }

    private static bool Printable(string? text) => text is null || !text.Any(char.IsControl);

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex MainlandMobile();
}

internal static class AddressSql
{
    public const string ById = """
        SELECT id AS Id, receiver AS Receiver, phone AS Phone, province AS Province, city AS City, district AS District,
               detail AS Detail, is_default AS IsDefault
        FROM addresses WHERE id = @Id AND user_id = @UserId
        """;

    /// <summary>Serialises one shopper's address writes so "exactly one default" holds under concurrent requests.</summary>
    public const string LockUser = "SELECT id FROM users WHERE id = @UserId FOR UPDATE";

    public const string ClearDefault = "UPDATE addresses SET is_default = 0 WHERE user_id = @UserId AND is_default = 1 AND id <> @Id";
}
