using System.Buffers.Text;
using System.Security.Cryptography;
using FastEndpoints;
using Mall.Features.Challenges;
using Mall.Features.Orders;
using Mall.Features.Seckill.Expiry;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using StackExchange.Redis;

namespace Mall.Features.Seckill.IssueToken;

/// <summary>
/// The "hidden URL": a short-lived, one-time token bound to the user and the activity, given out only while the
/// activity is live, so a script cannot fire attempts before the start. One Redis round trip (IssueToken.lua).
/// </summary>
public sealed class Endpoint(SeckillScripts scripts, ActivityStates states, ActivityQueries activities, ProofOfWork proofOfWork,
    SeckillLapses lapses, UnpaidOrders unpaid, SeckillOptions options, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Post("seckill/activities/{id}/token");
        // Every shopper asks for one right before each attempt: as hot as the attempt itself, and as quiet.
        Options(b => b.WithMetadata(new QuietRequestLog()));
        Summary(s =>
        {
            s.Summary = "Get a one-time attempt token";
            s.Description = "Only while the activity is live. The token is valid for one attempt by this user on this activity " +
                            "and expires after a few seconds (Seckill:TokenLifetime). An activity with challengeBits > 0 asks for the " +
                            "answer to a seckill challenge (POST /challenges) in the Mall-Challenge header.";
            s.Responses[409] = "The shopper already holds the most unpaid orders (Orders:MaxOpenUnpaidOrders, normal and seckill together).";
            s.Responses[428] = "The activity asks for proof of work: code challenge_required, with the challenge to solve.";
            s.ResponseExamples[200] = new Response("Zk3vQ2xJb0l6S1ZvTzRmWQ", DateTimeOffset.Parse("2026-11-25T12:00:30Z"));
            s.Responses[200] = "The token.";
            s.Responses[400] = "The id is not a number.";
            s.Responses[404] = "No such (published) activity.";
            s.Responses[410] = "Sold out, the activity has ended, or it was cancelled (code seckill.activity_cancelled).";
            s.Responses[425] = "The activity has not started (Retry-After: seconds until the start).";
            s.Responses[429] = "Too many token requests, or the shopper let too many seckill orders lapse and is cooled down; see Retry-After.";
            s.Responses[503] = "Redis is unreachable; retry shortly (Retry-After).";
        });
        Description(d => d.Produces<Response>(200).ProducesProblems(400, 404, 409, 410, 425, 428, 429, 503), clearDefaults: true);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var activityId = Route<long>("id");
        var known = states.TryGet(activityId, out var state);
        if (known && state.SoldOut)
        {
            await Send.ResultAsync(Problem.Of(StatusCodes.Status410Gone, "Sold out", "The activity is sold out.", code: "seckill.sold_out"));
            return;
        }
        // An activity that asks for proof of work gives a token only for a fresh answer to one of its challenges: a bot pays
        // 2^challengeBits hashes per token, a shopper pays it once, during the countdown.
        if (await activities.ChallengeBitsAsync(activityId, ct) is > 0 and var bits
            && !await proofOfWork.VerifyAsync(HttpContext.Request, ChallengePurposes.Seckill, activityId, bits))
        {
            await Send.ResultAsync(ChallengeRequired.Result(new ChallengeDemand(ChallengePurposes.Seckill, bits, activityId)));
            return;
        }
        var generation = known ? state.Generation : 0;
        var keys = known ? state.Keys : new ActivityKeys(activityId);
        var userId = User.UserId();
        // Asked alongside the token script, not before it: the token step keeps one round trip of latency.
        var coolingDown = lapses.CooldownLeftAsync(userId);
        var unpaidOrders = unpaid.CountAsync(userId, ct);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await scripts.RunAsync(SeckillScripts.IssueToken,
                [keys.Meta, keys.Stock, keys.Token(token), keys.UserTokenRate(userId)],
                [userId, now.ToUnixTimeMilliseconds(), (long)options.TokenLifetime.TotalMilliseconds, options.UserTokensPerWindow,
                 (long)options.RateWindow.TotalMilliseconds]))!;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Without Redis nothing can be decided; say so plainly instead of a 500 per request.
            await Send.ResultAsync(SeckillUnavailable.Result(HttpContext));
            return;
        }

        if ((int)result[0] == 200 && await coolingDown is { } cooldown)
        {
            await Send.ResultAsync(Problem.TooManyRequests(HttpContext, cooldown,
                "Too many of your flash-sale orders went unpaid; flash sales are closed to you for a while.", code: "seckill.cooling_down"));
            return;
        }
        if ((int)result[0] == 200 && await unpaidOrders is var open && open >= unpaid.Cap)
        {
            await Send.ResultAsync(Problem.Conflict($"You have {open} unpaid orders; pay or cancel one first (at most {unpaid.Cap}).",
                code: "orders.too_many_open_orders", args: new Dictionary<string, object?> { ["open"] = open, ["max"] = unpaid.Cap }));
            return;
        }
        switch ((int)result[0])
        {
            case 200:
                await Send.OkAsync(new Response(token, now + options.TokenLifetime), ct);
                return;
            case 404:
                await Send.ResultAsync(Problem.NotFound("The activity", code: "seckill.activity_not_found"));
                return;
            case 429:
                await Send.ResultAsync(Problem.TooManyRequests(HttpContext, TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])),
                    "Too many token requests. Slow down.", code: "seckill.tokens_throttled"));
                return;
            case 425:
                HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)result[1] / 1000).ToString();
                await Send.ResultAsync(Problem.Of(425, "Not started", "The activity has not started yet.", code: "seckill.not_started"));
                return;
            case 410 when (int)result[1] == 2:
                await Send.ResultAsync(SeckillCancelled.Result);
                return;
            case 410 when (int)result[1] == 1:
                (known ? state : states.Get(activityId)).MarkSoldOut(generation);
                await Send.ResultAsync(Problem.Of(StatusCodes.Status410Gone, "Sold out", "The activity is sold out.", code: "seckill.sold_out"));
                return;
            default:
                await Send.ResultAsync(Problem.Of(StatusCodes.Status410Gone, "Ended", "The activity has ended.", code: "seckill.ended"));
                return;
        }
    }
}
