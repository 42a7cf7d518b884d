using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Auth.Register;

public sealed record Request(string Account, string Password, string? Nickname);

public sealed record Response(long UserId);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Account).NotEmpty().MaximumLength(Accounts.MaxLength)
            .Must(Accounts.IsValid).WithMessage(Accounts.FormatMessage).WithErrorCode("auth.account_format");
        RuleFor(r => r.Password).NotEmpty().Must(Passwords.MeetsPolicy).WithMessage(Passwords.PolicyMessage).WithErrorCode("auth.password_policy");
        RuleFor(r => r.Nickname).MaximumLength(32)
            .Must(n => n is null || !n.Any(char.IsControl)).WithMessage("Nickname must not contain control characters.").WithErrorCode("input.control_characters");
    }
}
