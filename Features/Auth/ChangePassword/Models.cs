using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Auth.ChangePassword;

public sealed record Request(string CurrentPassword, string NewPassword);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.CurrentPassword).NotEmpty().MaximumLength(Passwords.MaxLength);
        // The registration rules, so no account ends up with a password it could not have been created with.
        RuleFor(r => r.NewPassword).NotEmpty().Must(Passwords.MeetsPolicy).WithMessage(Passwords.PolicyMessage).WithErrorCode("auth.password_policy")
            .NotEqual(r => r.CurrentPassword, StringComparer.Ordinal)
            .WithMessage("The new password must differ from the current one.").WithErrorCode("auth.password_unchanged");
    }
}
