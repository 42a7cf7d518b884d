using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Auth.Login;

public sealed record Request(string Account, string Password, string? DeviceId, string? Client);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Account).NotEmpty().MaximumLength(Accounts.MaxLength);
        RuleFor(r => r.Password).NotEmpty().MaximumLength(Passwords.MaxLength);
        RuleFor(r => r.DeviceId).MaximumLength(64);
        RuleFor(r => r.Client).Must(c => c is null or TokenClients.Browser or TokenClients.Native)
            .WithMessage("Client must be \"browser\" or \"native\".").WithErrorCode("auth.client_invalid");
    }
}
