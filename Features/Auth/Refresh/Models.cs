using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Auth.Refresh;

/// <summary>Browsers send nothing (the cookie carries the token); native clients send it in the body.</summary>
public sealed record Request(string? RefreshToken);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.RefreshToken).MaximumLength(128);
}
