using System.Security.Cryptography;
using System.Text;
using Dapper;
using FastEndpoints;
using Mall.Features.Cart;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Orders.Checkout;

public sealed class Endpoint(MySqlDataSource db, IDatabase redis, OrderOptions options, OrderEvents events,
    CheckoutGroups groups) : Endpoint<Request, Response>
{
    private const string FindIdempotent = """
        SELECT request_hash AS RequestHash, response AS Response FROM idempotency_keys WHERE user_id = @UserId AND idem_key = @Key
        """;

    public override void Configure()
    {
        Post("orders");
        Summary(s =>
        {
            s.Summary = "Place an order (normal checkout)";
            s.Description = "Locks stock for every line and writes the order with price, title, specs, image and address " +
                            "snapshots, remembering the answer under the Idempotency-Key, all in one MySQL transaction; " +
                            "concurrent checkouts of the same SKUs share that transaction (group commit), each still " +
                            "all-or-nothing and answered on its own, only after the commit. " +
                            "The same key with the same body replays the first answer (header Idempotent-Replayed: true); " +
                            "the same key with another body is 422. Bought lines leave the cart. The order must be paid " +
                            "before expiresAt or it is cancelled and its stock released.";
            s.ExampleRequest = new Request { Items = [new CheckoutItem(11, 1)], AddressId = 3 };
            s.ResponseExamples[201] = new Response("20261125081530123456789", OrderStatus.PendingPayment, 299900, DateTime.UtcNow.AddMinutes(15));
            s.Responses[201] = "Order placed (or the replayed answer for this Idempotency-Key).";
            s.Responses[400] = "Missing/malformed Idempotency-Key, bad items or quantities, empty cart.";
            s.Responses[404] = "Unknown SKU or address (another shopper's address is unknown too).";
            s.Responses[409] = "Not enough stock, product off shelf, or a per-line / per-order / open-unpaid-orders cap reached.";
            s.Responses[422] = "This Idempotency-Key was already used with a different request body.";
        });
        Description(d => d.Accepts<Request>("application/json").Produces<Response>(201).ProducesProblems(400, 404, 409, 422), clearDefaults: true);
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var userId = User.UserId();
        var requestHash = RequestHash(req);
        var lines = req.FromCart ? await CartLinesAsync(userId) : req.Items!.ToDictionary(i => i.SkuId, i => i.Quantity);
        if (lines.Count == 0)
        {
            // A retried cart checkout finds the cart its first attempt emptied: that attempt's answer is replayed.
            if (await EarlierAnswerAsync(userId, req.IdempotencyKey!, ct) is { } earlier)
            {
                await SendOutcomeAsync(CheckoutOutcome.FromEarlier(earlier.RequestHash, earlier.Response, requestHash), ct);
                return;
            }
            await Send.ResultAsync(Problem.Invalid("fromCart", "The cart is empty.", "cart.empty"));
            return;
        }
        if (OrderPricing.CapIssues(lines, options).FirstOrDefault() is { } capExceeded)
        {
            await SendOutcomeAsync(CheckoutOutcome.Refused(capExceeded), ct);
            return;
        }

        // Placed together with whatever other checkouts of these SKUs are queued: one transaction, one stock-row commit.
        var outcome = await groups.PlaceAsync(new CheckoutAttempt(userId, req.IdempotencyKey!, requestHash, lines, req.AddressId), ct);
        if (outcome is { Response: { } placed, Replayed: false })
        {
            // After the commit: Redis is not part of the transaction, and a stale cart line is harmless (it is re-validated).
            using (Tracing.Redis("HDEL", "cart"))
                await redis.HashDeleteAsync(CartKeys.For(userId), lines.Keys.Select(id => (RedisValue)id).ToArray());
            await events.PublishAsync(userId, placed.OrderNo, OrderStatus.PendingPayment, "checkout");
        }
        await SendOutcomeAsync(outcome, ct);
    }

    private async Task SendOutcomeAsync(CheckoutOutcome outcome, CancellationToken ct)
    {
        if (outcome.Refusal is { } problem)
        {
            await Send.ResultAsync(problem);
            return;
        }
        if (outcome.Replayed) HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        await Send.ResponseAsync(outcome.Response!, StatusCodes.Status201Created, ct);
    }

    private async Task<IdempotentRow?> EarlierAnswerAsync(long userId, string key, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<IdempotentRow>(new CommandDefinition(FindIdempotent, new { UserId = userId, Key = key }, cancellationToken: ct));
    }

    private async Task<Dictionary<long, int>> CartLinesAsync(long userId)
    {
        using var span = Tracing.Redis("HGETALL", "cart");
        return CartKeys.Lines(await redis.HashGetAllAsync(CartKeys.For(userId)));
    }

    /// <summary>SHA-256 over a canonical form of the body, so formatting and item order do not matter.</summary>
    private static string RequestHash(Request req)
    {
        var items = req.Items is null ? "" : string.Join(",", req.Items.OrderBy(i => i.SkuId).Select(i => $"{i.SkuId}x{i.Quantity}"));
        var canonical = $"address={req.AddressId};fromCart={req.FromCart};items={items}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private sealed record IdempotentRow(string RequestHash, string Response);
}
