using Dapper;
using FastEndpoints;
using Mall.Features.Orders;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Seckill.GetMine;

/// <summary>
/// What the signed-in shopper holds in one sale: for a client that lost the answer to its attempt (a dropped 202, another
/// device) and now meets "limit reached" or "sold out". Redis answers first: a shopper who reserved nothing costs no MySQL
/// query, so the crowd that missed a sale can ask at once without reaching the database.
/// </summary>
public sealed class Endpoint(ActivityQueries activities, IDatabase redis, MySqlDataSource db) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("seckill/activities/{id}/mine");
        Summary(s =>
        {
            s.Summary = "My reservations and orders in a seckill activity";
            s.Description = "reserved: units this shopper reserved (lapsed ones included; null if Redis is unreachable). orders: " +
                            "the orders written from them, newest first, with their units; while they hold fewer units than " +
                            "reserved, the rest are still being written. Someone who reserved nothing gets reserved 0 and no orders.";
            s.ResponseExamples[200] = new Response(42, 1,
                [new Order("SK1764059000000S0A42", OrderStatus.PendingPayment, "42-1764059000000-0", 1, new DateTime(2026, 11, 25, 12, 0, 1, DateTimeKind.Utc))]);
            s.Responses[200] = "What this shopper holds in the activity.";
            s.Responses[400] = "The id is not a number.";
            s.Responses[401] = "Not signed in.";
            s.Responses[404] = "No such published activity.";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 401, 404), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var id = Route<long>("id");
        if (!await activities.ExistsAsync(id, ct))
        {
            await Send.ResultAsync(Problem.NotFound("The activity", code: "seckill.activity_not_found"));
            return;
        }
        var userId = User.UserId();
        var reserved = await ReservedAsync(new ActivityKeys(id), userId);
        if (reserved == 0)
        {
            await Send.OkAsync(new Response(id, 0, []), ct);
            return;
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var orders = (await connection.QueryAsync<OrderRow>(new CommandDefinition(Resources.Text("Features/Seckill/GetMine/GetMine.sql"),
            new { UserId = userId, ActivityId = id }, cancellationToken: ct)))
            .Select(o => new Order(o.OrderNo, o.Status, o.ReservationId, (int)o.Quantity, o.CreatedAt)).ToList();
        await Send.OkAsync(new Response(id, reserved, orders), ct);
    }

    // SUM(quantity) comes back as a BIGINT.
    private sealed record OrderRow(string OrderNo, string Status, string? ReservationId, long Quantity, DateTime CreatedAt);

    /// <summary>Units reserved per the sale's buyers hash; null when Redis cannot tell (unreachable, or the sale's keys have
    /// expired after its close-out), so that MySQL decides.</summary>
    private async Task<int?> ReservedAsync(ActivityKeys keys, long userId)
    {
        try
        {
            var batch = redis.CreateBatch();
            var bought = batch.HashGetAsync(keys.Buyers, userId);
            var live = batch.KeyExistsAsync(keys.Meta);
            batch.Execute();
            var units = (long?)await bought;
            if (units is { } n) return (int)n;
            return await live ? 0 : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }
}
