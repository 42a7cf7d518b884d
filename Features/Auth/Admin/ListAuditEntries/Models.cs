using System.Text.Json;
using FastEndpoints;
using FluentValidation;

namespace Mall.Features.Auth.Admin.ListAuditEntries;

public sealed class Request
{
    /// <summary>product, category, activity, order, refund, account, …</summary>
    public string? Entity { get; init; }

    /// <summary>The entity's id as the log keeps it (an order's number, an account's id); needs <see cref="Entity"/>.</summary>
    public string? EntityId { get; init; }

    /// <summary>The operator's account.</summary>
    public string? Actor { get; init; }

    public long? ActorId { get; init; }

    /// <summary>entity.verb: order.ship, account.disable, …</summary>
    public string? Action { get; init; }

    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Entity).MaximumLength(32);
        RuleFor(r => r.EntityId).MaximumLength(64);
        RuleFor(r => r.Entity).NotEmpty().When(r => r.EntityId is not null).WithMessage("Name the entity whose id this is.");
        RuleFor(r => r.Actor).MaximumLength(Accounts.MaxLength);
        RuleFor(r => r.ActorId).GreaterThan(0);
        RuleFor(r => r.Action).MaximumLength(64);
        RuleFor(r => r.Page).InclusiveBetween(1, 1000);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
    }
}

/// <param name="Before">The entity before the change as the admin API showed it; null when it was created.</param>
/// <param name="After">The entity after the change; null when it was deleted.</param>
public sealed record Entry(long Id, DateTime CreatedAt, long ActorId, string ActorAccount, string Action, string Entity, string EntityId,
    JsonElement? Before, JsonElement? After, string? ClientIp, string? TraceId);

/// <param name="Total">Matching entries, counted up to 10,000.</param>
/// <param name="TotalIsExact">False when the count stopped at 10,000.</param>
public sealed record Response(IReadOnlyList<Entry> Items, int Page, int PageSize, long Total, bool TotalIsExact);
