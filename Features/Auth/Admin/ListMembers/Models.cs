using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Auth.Admin.ListMembers;

public static class MemberStatus
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
}

public static class AccountMatch
{
    /// <summary>Accounts beginning with the text (an index range: fast on any number of members).</summary>
    public const string Prefix = "prefix";

    /// <summary>Accounts containing the text anywhere (reads every account).</summary>
    public const string Contains = "contains";
}

public sealed class Request
{
    /// <summary>Part of the account, in any spelling that canonicalises to it (case, full-width letters).</summary>
    public string? Account { get; init; }

    [ValuesOf(typeof(AccountMatch))]
    public string Match { get; init; } = AccountMatch.Prefix;

    [ValuesOf(typeof(MemberStatus))]
    public string? Status { get; init; }

    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Account).MaximumLength(Accounts.MaxLength);
        RuleFor(r => r.Match).Must(m => m is AccountMatch.Prefix or AccountMatch.Contains)
            .WithMessage($"Match must be {AccountMatch.Prefix} or {AccountMatch.Contains}.");
        RuleFor(r => r.Status).Must(s => s is null or MemberStatus.Enabled or MemberStatus.Disabled)
            .WithMessage($"Status must be {MemberStatus.Enabled} or {MemberStatus.Disabled}.");
        RuleFor(r => r.Page).InclusiveBetween(1, 1000);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
    }
}

public sealed record Member(long Id, string Account, string Nickname, string Role, long Points, bool Disabled, DateTime? DisabledAt, DateTime CreatedAt);

/// <param name="Total">Matching accounts, counted up to 10,000.</param>
/// <param name="TotalIsExact">False when the count stopped at 10,000.</param>
public sealed record Response(IReadOnlyList<Member> Items, int Page, int PageSize, long Total, bool TotalIsExact);
