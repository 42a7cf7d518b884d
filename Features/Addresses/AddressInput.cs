using System.Text.RegularExpressions;
using FluentValidation;

namespace Mall.Features.Addresses;

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
        RuleFor(r => r.Receiver).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("Receiver must not contain control characters.").WithErrorCode("input.control_characters");
        RuleFor(r => r.Phone).NotEmpty().Must(p => MainlandMobile().IsMatch(p)).WithMessage("Phone must be an 11-digit mainland mobile number.").WithErrorCode("address.phone_invalid");
        RuleFor(r => r.Province).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("Province must not contain control characters.").WithErrorCode("input.control_characters");
        RuleFor(r => r.City).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("City must not contain control characters.").WithErrorCode("input.control_characters");
        RuleFor(r => r.District).NotEmpty().MaximumLength(32).Must(Printable).WithMessage("District must not contain control characters.").WithErrorCode("input.control_characters");
        RuleFor(r => r.Detail).NotEmpty().MaximumLength(200).Must(Printable).WithMessage("Detail must not contain control characters.").WithErrorCode("input.control_characters");
    }

    private static bool Printable(string? text) => text is null || !text.Any(char.IsControl);

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex MainlandMobile();
}
