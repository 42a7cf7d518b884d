using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.OpenApi;

namespace Mall.Features.Orders.Admin.ListAllOrders;

public sealed class Request : OrderFilter
{
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        Include(new OrderFilterValidator());
        RuleFor(r => r.Page).InclusiveBetween(1, OrderCriteria.TotalCap);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
        // Deep pages cost a scan of everything before them; past the counted orders the console narrows the search instead.
        RuleFor(r => r.Page).Must((r, page) => (long)(page - 1) * r.PageSize < OrderCriteria.TotalCap)
            .When(r => r.PageSize is >= 1 and <= 100)
            .WithMessage($"Only the first {OrderCriteria.TotalCap} matching orders can be paged through; narrow the search (dates, status).");
    }
}

/// <summary>One order of the console's list, with its shopper.</summary>
public sealed record Item(string OrderNo, [ValuesOf(typeof(OrderKind))] string Kind, [ValuesOf(typeof(OrderStatus))] string Status,
    long TotalCents, int ItemCount, string Title, string Image, DateTime CreatedAt, DateTime ExpiresAt, long UserId, string Account);

/// <param name="Total">Matching orders, counted up to 10,000.</param>
/// <param name="TotalIsExact">False when the count stopped at 10,000 (there are at least that many).</param>
public sealed record Response(IReadOnlyList<Item> Items, int Page, int PageSize, long Total, bool TotalIsExact);
