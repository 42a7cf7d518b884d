using System.Text;
using Dapper;
using FluentValidation;
using Mall.Features.Auth;
using MySqlConnector;

namespace Mall.Features.Orders.Admin;

/// <summary>What the console searches orders by; the list (<c>GET admin/orders</c>) and the CSV export take the same.</summary>
public class OrderFilter
{
    /// <summary>One order, by its exact number.</summary>
    public string? OrderNo { get; init; }

    /// <summary>The shopper's account, in any spelling that canonicalises to it (case, full-width letters).</summary>
    public string? Account { get; init; }

    public long? UserId { get; init; }
    public string? Status { get; init; }
    public string? Kind { get; init; }

    /// <summary>Placed at or after this instant (ISO 8601 with an offset or Z).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Placed before this instant.</summary>
    public DateTimeOffset? To { get; init; }
}

/// <summary>Included by the list's and the export's validators (not a FastEndpoints validator of its own).</summary>
public sealed class OrderFilterValidator : AbstractValidator<OrderFilter>
{
    private static readonly string[] Kinds = [OrderKind.Normal, OrderKind.Seckill];

    public OrderFilterValidator()
    {
        RuleFor(r => r.OrderNo).Must(OrderNumbers.LooksValid).When(r => r.OrderNo is not null)
            .WithMessage("An order number is 10–32 letters or digits.");
        RuleFor(r => r.Account).MaximumLength(Accounts.MaxLength);
        RuleFor(r => r.UserId).GreaterThan(0);
        RuleFor(r => r.Status).Must(s => s is null || OrderStatus.All.Contains(s))
            .WithMessage($"Status must be one of: {string.Join(", ", OrderStatus.All)}.");
        RuleFor(r => r.Kind).Must(k => k is null || Kinds.Contains(k))
            .WithMessage($"Kind must be one of: {string.Join(", ", Kinds)}.");
        RuleFor(r => r.To).GreaterThan(r => r.From).When(r => r.From is not null && r.To is not null)
            .WithMessage("'to' must be later than 'from'.");
    }
}

/// <summary>
/// The WHERE clause of an order search, made of only the filters given. Each is a plain comparison on an indexed
/// column (order_no, user_id, status, kind, created_at), never "@x IS NULL OR …", so MySQL can pick the index that
/// fits — (user_id, status, created_at), (status, created_at), (kind, created_at) or (created_at) — and read the newest
/// rows first instead of scanning the table.
/// </summary>
public sealed record OrderCriteria(string Where, DynamicParameters Parameters)
{
    /// <summary>Counting stops here: past it the console shows "10,000+" and a big shop's count stays cheap.</summary>
    public const int TotalCap = 10_000;

    private const string UserOfAccount = "SELECT id FROM users WHERE account = @Account";

    /// <returns>The criteria, or null when the account names nobody (nothing can match).</returns>
    public static async Task<OrderCriteria?> OfAsync(MySqlConnection connection, OrderFilter filter, CancellationToken ct)
    {
        var where = new StringBuilder("1 = 1");
        var parameters = new DynamicParameters();
        long? userId = filter.UserId;
        if (!string.IsNullOrWhiteSpace(filter.Account))
        {
            // users.account is binary-collated and holds the canonical spelling: one unique-index lookup.
            var owner = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(UserOfAccount,
                new { Account = Accounts.Normalize(filter.Account) }, cancellationToken: ct));
            if (owner is null || (userId is not null && userId != owner)) return null;
            userId = owner;
        }
        if (filter.OrderNo is not null) Add("o.order_no = @OrderNo", "OrderNo", filter.OrderNo);
        if (userId is not null) Add("o.user_id = @UserId", "UserId", userId);
        if (filter.Status is not null) Add("o.status = @Status", "Status", filter.Status);
        if (filter.Kind is not null) Add("o.kind = @Kind", "Kind", filter.Kind);
        if (filter.From is not null) Add("o.created_at >= @From", "From", filter.From.Value.UtcDateTime);
        if (filter.To is not null) Add("o.created_at < @To", "To", filter.To.Value.UtcDateTime);
        return new OrderCriteria(where.ToString(), parameters);

        void Add(string condition, string name, object value)
        {
            where.Append(" AND ").Append(condition);
            parameters.Add(name, value);
        }
    }
}
