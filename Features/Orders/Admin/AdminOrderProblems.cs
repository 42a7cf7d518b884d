using Mall.Infrastructure;

namespace Mall.Features.Orders.Admin;

/// <summary>The problems the console's order slices answer, each with its stable code.</summary>
public static class AdminOrderProblems
{
    public static IResult NotFound() => Problem.NotFound("The order", code: "order.not_found");

    public static IResult NotPaid(string status) => Problem.Of(StatusCodes.Status409Conflict, "Order not paid",
        $"The order is {status}; only a Paid order can be shipped.", code: "order.not_paid", args: new Dictionary<string, object?> { ["status"] = status });

    public static IResult NotPending(string status) => Problem.Of(StatusCodes.Status409Conflict, "Order not awaiting payment",
        $"The order is {status}; only an unpaid order can be closed.", code: "order.not_pending", args: new Dictionary<string, object?> { ["status"] = status });
}
