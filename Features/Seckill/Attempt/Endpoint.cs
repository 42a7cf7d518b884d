using FastEndpoints;
using Mall.Features.Seckill.OrderWriter;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using StackExchange.Redis;

namespace Mall.Features.Seckill.Attempt;

/// <summary>
/// The hot path: no MySQL, exactly one Redis round trip (Attempt.lua by SHA), no logging. JWT validation and
/// the access-token denylist are in-process. An activity this instance knows is sold out is refused with one HEXISTS
/// (is the shopper a buyer?) instead of the script, until stock is returned.
/// </summary>
public sealed class Endpoint(SeckillScripts scripts, IDatabase redis, ActivityStates states, ReservationChannel channel, SeckillOptions options,
    TimeProvider clock, Recovery.FailoverFence fence, Recovery.InFlightReservations inFlight) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("seckill/activities/{id}/attempts");
        Options(b => b.WithMetadata(new QuietRequestLog()));
        Summary(s =>
        {
            s.Summary = "Try to buy in a seckill activity";
            s.Description = "Needs a one-time attempt token from POST …/token. Atomically checks the window, the token, the " +
                            "per-user limit and the stock, and queues a reservation; the order is written asynchronously " +
                            "(SignalR SeckillResult, or poll GET /api/v1/seckill/reservations/{reservationId}).";
            s.ExampleRequest = new Request { Id = 42, Token = "Zk3v…", Quantity = 1 };
            s.ResponseExamples[202] = new Response("42-1764059000000-0", ReservationStatus.Queued);
            s.Responses[202] = "Reserved; the order is being written.";
            s.Responses[400] = "Missing token, or a quantity below 1 or above the activity's per-user limit.";
            s.Responses[403] = "The attempt token is unknown, expired or someone else's. The same attempt sent again with its token " +
                               "while the token lives gets the answer the first got (202 with the same reservation, 409 or 410).";
            s.Responses[404] = "No such (published) activity.";
            s.Responses[409] = "The per-user limit is reached.";
            s.Responses[410] = "Sold out, the activity has ended, or it was cancelled (code seckill.activity_cancelled).";
            s.Responses[425] = "The activity has not started.";
            s.Responses[429] = "Too many attempts from this user or address; see Retry-After.";
            s.Responses[503] = "Redis is unreachable, or being checked and repaired after a failover; retry shortly (Retry-After).";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(202).ProducesProblems(400, 403, 404, 409, 410, 425, 429, 503), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // After a connection event nothing is sold until Redis is known to be the one that remembers every sale.
        if (!fence.Open && !await fence.WaitOpenAsync())
        {
            await Send.ResultAsync(SeckillUnavailable.Result(HttpContext));
            return;
        }
        var known = states.TryGet(req.Id, out var state);
        var userId = User.UserId();
        if (known && state.SoldOut && !await HasReservedAsync(state.Keys, userId))
        {
            SeckillMetrics.SoldOutShortCircuit.Inc();
            state.Count(AttemptResult.SoldOutLocal);
            await Send.ResultAsync(SoldOut);
            return;
        }
        var generation = known ? state.Generation : 0;
        var keys = known ? state.Keys : new ActivityKeys(req.Id);
        var ip = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();

        RedisResult[] result;
        try
        {
            RedisKey[] scriptKeys = [keys.Meta, keys.Stock, keys.Buyers, keys.Log, keys.Token(req.Token), keys.UserRate(userId), keys.IpRate(ip), keys.VerifiedHere];
            RedisValue[] scriptArgs = [userId, req.Quantity, nowMs, options.UserAttemptsPerWindow, options.IpAttemptsPerWindow,
                (long)options.RateWindow.TotalMilliseconds];
            try
            {
                result = (RedisResult[])(await scripts.RunAsync(SeckillScripts.Attempt, scriptKeys, scriptArgs))!;
            }
            catch (TimeoutException)
            {
                // The script may have run and only its answer be late: a 503 would then hide a reservation the shopper
                // holds. The token remembers how its attempt ended, so asking again is safe and, sent after the first on
                // the same connection, runs after it: the shopper gets the answer the first call got.
                SeckillMetrics.AttemptTimeouts.Inc();
                result = (RedisResult[])(await scripts.RunAsync(SeckillScripts.Attempt, scriptKeys, scriptArgs))!;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (known) state.Count(AttemptResult.Unavailable);
            // A primary just demoted refuses writes: the failover may have begun. (A timeout is load, not a failover, and a
            // dropped link raises the multiplexer's own event.)
            if (e is RedisServerException { Message: var message } && message.StartsWith("READONLY", StringComparison.Ordinal)) fence.Suspect();
            // Without Redis nothing can be decided; say so plainly instead of a 500 per request.
            await Send.ResultAsync(SeckillUnavailable.Result(HttpContext));
            return;
        }

        var status = (int)result[0];
        // Past the 404 the activity exists in Redis, so its state may be created: random ids cannot grow the map.
        if (!known && status != 404) state = states.Get(req.Id);
        switch (status)
        {
            case 202:
                // A replay (the same token again) is answered as before; its reservation is queued again in case the
                // first answer never reached this process (the writer inserts each reservation once).
                if ((int)result[6] == 1) SeckillMetrics.Replayed.Inc();
                else
                {
                    SeckillMetrics.Accepted.Inc();
                    state.Count(AttemptResult.Accepted);
                }
                var stockLeft = (long)result[2];
                state.ObserveStock(stockLeft);
                if (stockLeft == 0) state.MarkSoldOut(generation);
                var reservation = new Reservation(req.Id, (string)result[1]!, userId, req.Quantity, (long)result[3], (long)result[5]);
                var node = (string)result[4]!;
                inFlight.Add(reservation, node);
                fence.Noticed(req.Id, node);
                // A full channel is not a failure: the reservation is in the Redis log and recovery writes it.
                channel.TryWrite(reservation);
                await Send.ResponseAsync(new Response(reservation.Id, ReservationStatus.Queued), StatusCodes.Status202Accepted, ct);
                return;
            case 410 when (int)result[1] == 1:
                SeckillMetrics.SoldOut.Inc();
                state.Count(AttemptResult.SoldOut);
                if ((long)result[2] == 0) state.MarkSoldOut(generation);
                await Send.ResultAsync(SoldOut);
                return;
            case 410 when (int)result[1] == 2:
                SeckillMetrics.Cancelled.Inc();
                state.Count(AttemptResult.Cancelled);
                await Send.ResultAsync(SeckillCancelled.Result);
                return;
            case 410:
                SeckillMetrics.Ended.Inc();
                state.Count(AttemptResult.Ended);
                await Send.ResultAsync(Problem.Of(StatusCodes.Status410Gone, "Ended", "The activity has ended.", code: "seckill.ended"));
                return;
            case 503:
                state.Count(AttemptResult.Unavailable);
                // 1: Redis is another process than the activity was verified on; 0: a repair (or its settle period) is on.
                if ((int)result[1] == 1) fence.Suspect();
                else fence.Noticed(req.Id, (string)result[2]!);
                await Send.ResultAsync(SeckillUnavailable.Result(HttpContext));
                return;
            case 404:
                SeckillMetrics.Unknown.Inc();
                await Send.ResultAsync(Problem.NotFound("The activity", code: "seckill.activity_not_found"));
                return;
            case 429:
                SeckillMetrics.RateLimited.Inc();
                state.Count(AttemptResult.RateLimited);
                await Send.ResultAsync(Problem.TooManyRequests(HttpContext, TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])),
                    "Too many attempts. Slow down.", code: "seckill.attempts_throttled"));
                return;
            case 425:
                SeckillMetrics.NotStarted.Inc();
                state.Count(AttemptResult.NotStarted);
                await Send.ResultAsync(Problem.Of(425, "Not started", "The activity has not started yet.", code: "seckill.not_started"));
                return;
            case 400:
                SeckillMetrics.BadQuantity.Inc();
                state.Count(AttemptResult.BadQuantity);
                await Send.ResultAsync(Problem.Invalid("quantity", "The quantity exceeds the activity's per-user limit.", "seckill.quantity_over_limit"));
                return;
            case 403:
                SeckillMetrics.BadToken.Inc();
                state.Count(AttemptResult.BadToken);
                await Send.ResultAsync(Problem.Of(StatusCodes.Status403Forbidden, "Invalid attempt token",
                    "The attempt token is unknown, expired, already used or not yours. Get a new one.", code: "seckill.token_invalid"));
                return;
            default:
                SeckillMetrics.LimitReached.Inc();
                state.Count(AttemptResult.LimitReached);
                await Send.ResultAsync(Problem.Conflict("You have reached this activity's per-user limit.", code: "seckill.limit_reached"));
                return;
        }
    }

    /// <summary>
    /// Whether the shopper holds a reservation in the sale. Someone who does is not refused by the sold-out short-cut: the
    /// script gives them what it would have before the sell-out (their reservation again for the same token, else the
    /// limit), so a shopper whose 202 was lost never reads "sold out" for a unit they hold. After a sell-out only holders
    /// of earlier tokens get here (the token step refuses), so this read is rare; if Redis does not answer, the script
    /// path decides.
    /// </summary>
    private async Task<bool> HasReservedAsync(ActivityKeys keys, long userId)
    {
        try
        {
            return await redis.HashExistsAsync(keys.Buyers, userId);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return true;
        }
    }

    private static IResult SoldOut => Problem.Of(StatusCodes.Status410Gone, "Sold out", "The activity is sold out.", code: "seckill.sold_out");
}
