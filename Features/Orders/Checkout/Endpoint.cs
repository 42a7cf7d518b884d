using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using FastEndpoints;
using Mall.Features.Cart;
using Mall.Features.Catalog;
using Mall.Infrastructure;
using Mall.Infrastructure.Auth;
using Mall.Infrastructure.OpenApi;
using MySqlConnector;
using StackExchange.Redis;

namespace Mall.Features.Orders.Checkout;

public sealed class Endpoint(MySqlDataSource db, IDatabase redis, CatalogCache cache, OrderOptions options, OrderEvents events,
    TimeProvider clock) : Endpoint<Request, Response>
{
    // Serialises one shopper's checkouts: the open-orders cap and the idempotency check are then race-free.
    private const string LockUser = "SELECT id FROM users WHERE id = @UserId FOR UPDATE";

    private const string FindIdempotent = """
        SELECT request_hash AS RequestHash, response AS Response FROM idempotency_keys WHERE user_id = @UserId AND idem_key = @Key
        """;

    private const string CountOpenOrders = """
        SELECT COUNT(*) FROM orders WHERE user_id = @UserId AND status = 'PendingPayment'
        """;

    private const string FindAddress = """
        SELECT receiver AS Receiver, phone AS Phone, province AS Province, city AS City, district AS District, detail AS Detail
        FROM addresses WHERE id = @AddressId AND user_id = @UserId
        """;

    // Succeeds only while enough is available, atomically with the check: this is what makes overselling impossible.
    private const string LockStock = """
        UPDATE skus SET locked = locked + @Quantity, updated_at = @Now WHERE id = @SkuId AND stock - locked - sold >= @Quantity
        """;

    private const string InsertOrder = """
        INSERT INTO orders (order_no, user_id, kind, status, total_cents, address_snapshot, created_at, updated_at, expires_at)
        VALUES (@OrderNo, @UserId, 'normal', 'PendingPayment', @TotalCents, @AddressSnapshot, @Now, @Now, @ExpiresAt);
        SELECT LAST_INSERT_ID();
        """;

    private const string InsertItem = """
        INSERT INTO order_items (order_id, sku_id, product_id, title, specs, image, price_cents, quantity)
        VALUES (@OrderId, @SkuId, @ProductId, @Title, @Specs, @Image, @PriceCents, @Quantity)
        """;

    private const string RememberResponse = """
        INSERT INTO idempotency_keys (user_id, idem_key, request_hash, order_no, response, created_at)
        VALUES (@UserId, @Key, @RequestHash, @OrderNo, @Response, @Now)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override void Configure()
    {
        Post("orders");
        Summary(s =>
        {
            s.Summary = "Place an order (normal checkout)";
            s.Description = "One MySQL transaction locks stock for every line (in SKU-id order), writes the order with price, " +
                            "title, specs, image and address snapshots, and remembers the answer under the Idempotency-Key. " +
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
        // Deadlocks should not happen (one lock order everywhere), but InnoDB may still pick a victim under load.
        await Deadlocks.RetryAsync(() => PlaceAsync(req, userId, ct));
    }

    private async Task PlaceAsync(Request req, long userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var requestHash = RequestHash(req);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(LockUser, new { UserId = userId }, tx, cancellationToken: ct));

        var earlier = await connection.QuerySingleOrDefaultAsync<IdempotentRow>(new CommandDefinition(FindIdempotent,
            new { UserId = userId, Key = req.IdempotencyKey }, tx, cancellationToken: ct));
        if (earlier is not null)
        {
            await tx.RollbackAsync(ct);
            if (earlier.RequestHash != requestHash)
            {
                await Send.ResultAsync(Problem.Of(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                    "This Idempotency-Key was already used for a different request. Use a new key for a new order.", code: "orders.idempotency_key_reused"));
                return;
            }
            HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
            await Send.ResponseAsync(JsonSerializer.Deserialize<Response>(earlier.Response, Json)!, StatusCodes.Status201Created, ct);
            return;
        }

        // Resolved after the replay check: a retried fromCart checkout must replay even though its cart is now empty.
        var lines = req.FromCart ? await CartLinesAsync(userId) : req.Items!.ToDictionary(i => i.SkuId, i => i.Quantity);
        if (lines.Count == 0)
        {
            await Send.ResultAsync(Problem.Invalid("fromCart", "The cart is empty.", "cart.empty"));
            return;
        }
        if (OrderPricing.CapIssues(lines, options).FirstOrDefault() is { } capExceeded)
        {
            await Send.ResultAsync(Conflict(capExceeded));
            return;
        }

        var open = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountOpenOrders, new { UserId = userId }, tx, cancellationToken: ct));
        if (open >= options.MaxOpenUnpaidOrders)
        {
            await Send.ResultAsync(Conflict(OrderPricing.TooManyOpenOrders(open, options)));
            return;
        }

        var address = await connection.QuerySingleOrDefaultAsync<AddressSnapshot>(new CommandDefinition(FindAddress,
            new { req.AddressId, UserId = userId }, tx, cancellationToken: ct));
        if (address is null)
        {
            await Send.ResultAsync(Problem.NotFound("The address", code: "address.not_found"));
            return;
        }

        var skus = await OrderPricing.LoadSkusAsync(connection, tx, lines.Keys, ct);
        var unknown = lines.Keys.Where(id => !skus.ContainsKey(id)).Order().ToList();
        if (unknown.Count > 0)
        {
            await Send.ResultAsync(Problem.NotFound($"SKU {string.Join(", ", unknown)}", code: "orders.sku_not_found",
                args: new Dictionary<string, object?> { ["skuId"] = string.Join(", ", unknown) }));
            return;
        }
        if (skus.Values.FirstOrDefault(s => !s.OnShelf) is { } offShelf)
        {
            await Send.ResultAsync(Problem.Conflict($"'{offShelf.Title}' is off shelf.", code: "orders.off_shelf", args: new Dictionary<string, object?> { ["title"] = offShelf.Title }));
            return;
        }

        // Ascending SKU id: every transaction that locks several SKUs takes them in the same order (no deadlock cycle).
        foreach (var (skuId, quantity) in lines.OrderBy(l => l.Key))
        {
            var locked = await connection.ExecuteAsync(new CommandDefinition(LockStock, new { SkuId = skuId, Quantity = quantity, Now = now },
                tx, cancellationToken: ct));
            if (locked == 0)
            {
                await tx.RollbackAsync(ct);
                await Send.ResultAsync(Problem.Conflict($"Not enough stock for '{Describe(skus[skuId])}'.", code: "orders.insufficient_stock",
                    args: new Dictionary<string, object?>
                    {
                        ["title"] = Describe(skus[skuId]), ["available"] = Math.Max(0, skus[skuId].Available), ["asked"] = quantity,
                    }));
                return;
            }
        }

        var orderNo = OrderNumbers.New(now);
        var expiresAt = now.AddMinutes(options.PaymentTimeoutMinutes);
        var total = OrderPricing.Price(lines.Select(l => (skus[l.Key].PriceCents, l.Value)), options.Shipping).TotalCents;
        var orderId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertOrder, new
        {
            OrderNo = orderNo, UserId = userId, TotalCents = total, AddressSnapshot = OrderQueries.SerializeAddress(address),
            Now = now, ExpiresAt = expiresAt,
        }, tx, cancellationToken: ct));
        foreach (var (skuId, quantity) in lines.OrderBy(l => l.Key))
        {
            var sku = skus[skuId];
            await connection.ExecuteAsync(new CommandDefinition(InsertItem, new
            {
                OrderId = orderId, SkuId = skuId, sku.ProductId, sku.Title, sku.Specs,
                Image = CatalogRules.ParseImages(sku.Images).FirstOrDefault() ?? "", sku.PriceCents, Quantity = quantity,
            }, tx, cancellationToken: ct));
        }
        var response = new Response(orderNo, OrderStatus.PendingPayment, total, DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc));
        await connection.ExecuteAsync(new CommandDefinition(RememberResponse, new
        {
            UserId = userId, Key = req.IdempotencyKey, RequestHash = requestHash, OrderNo = orderNo,
            Response = JsonSerializer.Serialize(response, Json), Now = now,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        // After the commit: Redis is not part of the transaction, and a stale cart line is harmless (it is re-validated).
        using (Tracing.Redis("HDEL", "cart"))
            await redis.HashDeleteAsync(CartKeys.For(userId), lines.Keys.Select(id => (RedisValue)id).ToArray());
        await cache.StockChangedAsync(skus.Values.Select(s => s.ProductId));
        await events.PublishAsync(userId, orderNo, OrderStatus.PendingPayment, "checkout");
        await Send.ResponseAsync(response, StatusCodes.Status201Created, ct);
    }

    private static IResult Conflict(BasketIssue issue) =>
        Problem.Of(StatusCodes.Status409Conflict, "Conflict", issue.Detail, code: issue.Code, args: issue.Args);

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

    private static string Describe(BasketSku sku)
    {
        var specs = CatalogRules.ParseSpecs(sku.Specs);
        return specs.Count == 0 ? sku.Title : $"{sku.Title} ({string.Join(" ", specs.Values)})";
    }

    private sealed record IdempotentRow(string RequestHash, string Response);
}
