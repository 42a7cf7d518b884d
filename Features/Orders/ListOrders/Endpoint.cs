using FastEndpoints;
using FluentValidation;
using Mall.Infrastructure.Auth;
using MySqlConnector;

namespace Mall.Features.Orders.ListOrders;

public sealed class Request
{
    public string? Status { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Status).Must(s => s is null || OrderStatus.All.Contains(s))
            .WithMessage($"Status must be one of: {string.Join(", ", OrderStatus.All)}.");
        RuleFor(r => r.Page).InclusiveBetween(1, 1000);
        RuleFor(r => r.PageSize).InclusiveBetween(1, 100);
    }
}

public sealed class Endpoint(MySqlDataSource db) : Endpoint<Request, OrderPage>
{
    public override void Configure()
    {
        Get("orders");
        Summary(s =>
        {
            s.Summary = "My orders";
            s.Description = "The signed-in shopper's own orders (both kinds), newest first, optionally of one status.";
            s.ResponseExamples[200] = OrderExamples.Page;
            s.Responses[200] = "A page of orders.";
            s.Responses[400] = "Unknown status or bad paging.";
            s.Responses[401] = "Not signed in.";
        });
        Description(d => d.Accepts<Request>().Produces<OrderPage>(200).ProducesProblemDetails(400).ProducesProblemDetails(401), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await Send.OkAsync(await OrderQueries.PageAsync(connection, User.UserId(), req.Status, req.Page, req.PageSize, ct), ct);
    }
}
