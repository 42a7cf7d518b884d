using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Auth.Admin.EnableAccount;

public sealed class Request
{
    public long Id { get; init; }
}

public sealed record Response(long Id, bool Disabled);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Id).GreaterThan(0);
}
