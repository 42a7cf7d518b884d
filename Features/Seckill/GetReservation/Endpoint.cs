using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.GetReservation;

/// <summary>For pollers (SignalR SeckillResult is the push alternative). Someone else's reservation is a 404.</summary>
public sealed class Endpoint(MySqlDataSource db, IDatabase redis) : EndpointWithoutRequest<Response>
{
    private const string FindOrder = "SELECT user_id AS UserId, order_no AS OrderNo FROM orders WHERE reservation_id = @Id";

    public override void Configure()
    {
        Get("seckill/reservations/{reservationId}");
        Summary(s =>
        {
            s.Summary = "Status of a seckill reservation";
            s.Description = "Queued while the order is being written, then OrderCreated with the order number.";
            s.ResponseExamples[200] = new Response("42-1764059000000-0", ReservationStatus.OrderCreated, "SK1764059000000S0A42");
            s.Responses[200] = "The status.";
            s.Responses[404] = "Unknown reservation, or another user's.";
            s.Responses[503] = "Redis is unreachable and no order exists yet; retry shortly (Retry-After).";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(404, 503),
            clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<string>("reservationId")!;
        var userId = User.UserId();
        if (!Reservation.TryParseId(id, out var activityId, out var entryId))
        {
            await Send.ResultAsync(Problem.NotFound("The reservation", code: "seckill.reservation_not_found"));
            return;
        }

        // The log first: while a reservation waits for its order (during a burst, up to Writer:MaxBurstDeferral) polls
        // cost one Redis read and no MySQL. The writer commits the order before it deletes the log entry, so an entry
        // that is gone has its order row — the reverse order could miss both in that instant and answer 404.
        StreamEntry[]? entries = null;
        try
        {
            entries = await redis.StreamRangeAsync(new ActivityKeys(activityId).Log, entryId, entryId, 1);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Without the log only a written order can be told apart from an unknown reservation: MySQL decides below.
        }
        if (entries is [var entry])
        {
            await ((long)entry["u"] == userId
                ? Send.OkAsync(new Response(id, ReservationStatus.Queued, null), ct)
                : Send.ResultAsync(Problem.NotFound("The reservation", code: "seckill.reservation_not_found")));
            return;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var order = await connection.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(FindOrder, new { Id = id }, cancellationToken: ct));
        if (order is not null && order.UserId == userId)
            await Send.OkAsync(new Response(id, ReservationStatus.OrderCreated, order.OrderNo), ct);
        else if (order is null && entries is null)
            await Send.ResultAsync(SeckillUnavailable.Result(HttpContext));
        else
            await Send.ResultAsync(Problem.NotFound("The reservation", code: "seckill.reservation_not_found"));
    }

    private sealed record OrderRow(long UserId, string OrderNo);
}
