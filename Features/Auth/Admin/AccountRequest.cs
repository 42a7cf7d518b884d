using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Auth.Admin;

/// <summary>An operator's action on one account, named by its id in the route.</summary>
public sealed class AccountRequest
{
    public long Id { get; init; }
}

public sealed class AccountRequestValidator : Validator<AccountRequest>
{
    public AccountRequestValidator() => RuleFor(r => r.Id).GreaterThan(0);
}

public sealed record AccountState(long Id, bool Disabled);
