using Dapper;
using FastEndpoints;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Reservations;

public sealed record Response(string ReservationId, string Status, string? OrderNo);

/// <summary>For pollers (SignalR SeckillResult is the push alternative). Someone else's reservation is a 404.</summary>
public sealed class Endpoint(MySqlDataSource db, IDatabase redis) : EndpointWithoutRequest<Response>
{
    public const string Queued = "Queued";
    public const string OrderCreated = "OrderCreated";
    public const string Failed = "Failed";

    private const string FindOrder = "SELECT user_id AS UserId, order_no AS OrderNo FROM orders WHERE reservation_id = @Id";

    public override void Configure()
    {
        Get("seckill/reservations/{reservationId}");
        Summary(s =>
        {
            s.Summary = "Status of a seckill reservation";
            s.Description = "Queued while the order is being written, then OrderCreated with the order number.";
            s.ResponseExamples[200] = new Response("42-1764059000000-0", OrderCreated, "SK1764059000000S0A42");
            s.Responses[200] = "The status.";
            s.Responses[401] = "No valid access token.";
            s.Responses[404] = "Unknown reservation, or another user's.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblemDetails(401).ProducesProblemDetails(404), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<string>("reservationId")!;
        var userId = User.UserId();
        if (!Reservation.TryParseId(id, out var activityId, out var entryId))
        {
            await Send.ResultAsync(Problem.NotFound("The reservation"));
            return;
        }

        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var order = await connection.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(FindOrder, new { Id = id }, cancellationToken: ct));
            if (order is not null)
            {
                await (order.UserId == userId
                    ? Send.OkAsync(new Response(id, OrderCreated, order.OrderNo), ct)
                    : Send.ResultAsync(Problem.NotFound("The reservation")));
                return;
            }
        }

        var entries = await redis.StreamRangeAsync(new ActivityKeys(activityId).Log, entryId, entryId, 1);
        if (entries is [var entry] && (long)entry["u"] == userId)
        {
            await Send.OkAsync(new Response(id, Queued, null), ct);
            return;
        }
        await Send.ResultAsync(Problem.NotFound("The reservation"));
    }

    private sealed record OrderRow(long UserId, string OrderNo);
}
