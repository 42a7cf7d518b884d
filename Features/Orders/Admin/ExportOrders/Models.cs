using FastEndpoints;

namespace Mall.Features.Orders.Admin.ExportOrders;

public sealed class Request : OrderFilter;

public sealed class Validator : Validator<Request>
{
    public Validator() => Include(new OrderFilterValidator());
}
