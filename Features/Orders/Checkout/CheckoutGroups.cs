using System.Text;
using System.Text.Json;
using Dapper;
using Mall.Features.Catalog;
using Mall.Infrastructure;
using MySqlConnector;
using Prometheus;

namespace Mall.Features.Orders.Checkout;

/// <summary>
/// Group commit for normal checkout. Concurrent checkouts are queued per lane (by their lowest SKU id, so every order of
/// one hot SKU meets in one lane) and each lane places whatever has queued up as one MySQL transaction: the hot stock
/// row is locked and committed once per group instead of once per order. Under no load a group is one order and this
/// is the plain transaction it replaces; under load the group grows while the previous one commits, with no timer.
/// <para>
/// Each order stays all-or-nothing and is answered on its own: checks that fail one order (its address, its cap, a
/// replayed or reused key, off shelf, not enough stock left for it) refuse only it. Lock order is the same in every
/// group (shoppers' rows by id, then SKU rows by id, and the SKU rows last, after every insert), so groups never wait
/// on each other in a cycle, and the hot row's lock spans little more than the commit. Nobody is answered before the
/// commit: a crash mid-group loses no order that was answered 201.
/// </para>
/// </summary>
public sealed class CheckoutGroups(MySqlDataSource db, CatalogCache cache, OrderOptions options, TimeProvider clock, ILogger<CheckoutGroups> logger)
    : GroupCommit<CheckoutAttempt, CheckoutOutcome>(options.Checkout, logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Histogram GroupOrders = Metrics.CreateHistogram("mall_checkout_group_orders",
        "Orders placed together in one checkout transaction (group commit).",
        new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128] });

    private const string LockUsers = "SELECT id FROM users WHERE id IN @UserIds ORDER BY id FOR UPDATE";

    // After the shoppers' rows are locked, so this snapshot sees every order and key they committed before.
    private const string ReadShoppers = """
        SELECT user_id AS UserId, idem_key AS IdemKey, request_hash AS RequestHash, response AS Response
        FROM idempotency_keys WHERE user_id IN @UserIds AND idem_key IN @Keys;
        SELECT user_id AS UserId, COUNT(*) AS Open FROM orders WHERE user_id IN @UserIds AND status = 'PendingPayment' GROUP BY user_id;
        SELECT id AS Id, user_id AS UserId, receiver AS Receiver, phone AS Phone, province AS Province, city AS City,
               district AS District, detail AS Detail
        FROM addresses WHERE id IN @AddressIds;
        """;

    // The fast path: the whole group's demand fits. Matching 0 rows sends the group to the slow path (shares by arrival).
    private const string TakeStock = """
        UPDATE skus SET locked = locked + @Quantity, updated_at = @Now WHERE id = @SkuId AND stock - locked - sold >= @Quantity
        """;

    private const string ReadStock = "SELECT id AS SkuId, stock - locked - sold AS Available FROM skus WHERE id IN @SkuIds ORDER BY id FOR UPDATE";
    private const string AdjustStock = "UPDATE skus SET locked = locked + @Delta, updated_at = @Now WHERE id = @SkuId";

    private const string DropOrders = """
        DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE order_no IN @OrderNos);
        DELETE FROM idempotency_keys WHERE user_id IN @UserIds AND order_no IN @OrderNos;
        DELETE FROM orders WHERE order_no IN @OrderNos;
        """;

    private long _groupsCommitted;

    /// <summary>Transactions this instance committed with at least one order in them.</summary>
    internal long GroupsCommitted => Interlocked.Read(ref _groupsCommitted);

    /// <summary>Places one checkout with whatever else is queued for its lane; completes once its group committed.</summary>
    public Task<CheckoutOutcome> PlaceAsync(CheckoutAttempt attempt, CancellationToken ct) => SubmitAsync(attempt, ct);

    // Every order of one hot SKU meets in one lane.
    protected override long LaneKey(CheckoutAttempt attempt) => attempt.Lines.Keys.Min();

    /// <summary>One transaction for the group; every pending checkout is answered after it committed (or rolled back).</summary>
    protected internal override async Task CommitGroupAsync(IReadOnlyList<Pending> group, CancellationToken ct)
    {
        var outcomes = new CheckoutOutcome?[group.Count];
        var now = clock.GetUtcNow().UtcDateTime;

        // The same key twice in one group (a double tap): the first is placed, the other shares its answer.
        var firstOfKey = new Dictionary<(long, string), int>();
        var primaries = new List<int>();
        var echoes = new List<(int Echo, int Primary)>();
        for (var i = 0; i < group.Count; i++)
        {
            var attempt = group[i].Request;
            if (firstOfKey.TryGetValue((attempt.UserId, attempt.IdempotencyKey), out var first)) echoes.Add((i, first));
            else { firstOfKey[(attempt.UserId, attempt.IdempotencyKey)] = i; primaries.Add(i); }
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var skus = await OrderPricing.LoadSkusAsync(connection, null, group.SelectMany(p => p.Request.Lines.Keys).Distinct(), ct);
        var userIds = group.Select(p => p.Request.UserId).Distinct().Order().ToArray();

        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(LockUsers, new { UserIds = userIds }, tx, cancellationToken: ct));
        ShopperRows shoppers;
        await using (var reader = await connection.QueryMultipleAsync(new CommandDefinition(ReadShoppers, new
        {
            UserIds = userIds, Keys = group.Select(p => p.Request.IdempotencyKey).Distinct().ToArray(),
            AddressIds = group.Select(p => p.Request.AddressId).Distinct().ToArray(),
        }, tx, cancellationToken: ct)))
        {
            shoppers = new ShopperRows(
                (await reader.ReadAsync<IdempotentRow>()).ToDictionary(r => (r.UserId, r.IdemKey)),
                (await reader.ReadAsync<(long UserId, long Open)>()).ToDictionary(r => r.UserId, r => r.Open),
                (await reader.ReadAsync<AddressRow>()).ToDictionary(r => r.Id));
        }

        var candidates = new List<Candidate>();
        foreach (var i in primaries)
        {
            var attempt = group[i].Request;
            var refused = Check(attempt, shoppers, skus);
            if (refused is not null) { outcomes[i] = refused; continue; }
            shoppers.Open[attempt.UserId] = shoppers.Open.GetValueOrDefault(attempt.UserId) + 1;
            var address = shoppers.Addresses[attempt.AddressId];
            var total = OrderPricing.Price(attempt.Lines.Select(l => (skus[l.Key].PriceCents, l.Value)), options.Shipping).TotalCents;
            var response = new Response(OrderNumbers.New(now), OrderStatus.PendingPayment, total,
                DateTime.SpecifyKind(now.AddMinutes(options.PaymentTimeoutMinutes), DateTimeKind.Utc));
            candidates.Add(new Candidate(i, attempt, response, OrderQueries.SerializeAddress(address.Snapshot)));
        }

        var placed = candidates;
        if (candidates.Count > 0)
        {
            await InsertAsync(connection, tx, candidates, skus, now, ct);
            // Last: the stock rows, so their locks are held for little more than the commit.
            placed = await TakeStockAsync(connection, tx, candidates, skus, userIds, now, outcomes, ct);
        }
        await tx.CommitAsync(ct);
        GroupOrders.Observe(placed.Count);
        if (placed.Count > 0) Interlocked.Increment(ref _groupsCommitted);

        // Once per group, not per order: the products' cached pages show the new availability.
        await StockChangedAsync(cache, placed.SelectMany(c => c.Attempt.Lines.Keys).Select(id => skus[id].ProductId).Distinct().ToArray());
        foreach (var candidate in placed) outcomes[candidate.Index] = CheckoutOutcome.Placed(candidate.Response);
        foreach (var (echo, primary) in echoes)
            outcomes[echo] = group[echo].Request.RequestHash != group[primary].Request.RequestHash ? CheckoutOutcome.KeyReused
                : outcomes[primary]!.Response is { } answer ? CheckoutOutcome.Replay(answer) : outcomes[primary];
        for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(outcomes[i]!);
    }

    /// <summary>Why this order cannot be placed, checked in the order a shopper would fix things; null when it can.</summary>
    private CheckoutOutcome? Check(CheckoutAttempt attempt, ShopperRows shoppers, Dictionary<long, BasketSku> skus)
    {
        if (shoppers.Keys.TryGetValue((attempt.UserId, attempt.IdempotencyKey), out var earlier))
            return CheckoutOutcome.FromEarlier(earlier.RequestHash, earlier.Response, attempt.RequestHash);
        var open = shoppers.Open.GetValueOrDefault(attempt.UserId);
        if (open >= options.MaxOpenUnpaidOrders)
            return CheckoutOutcome.Refused(OrderPricing.TooManyOpenOrders(open, options));
        if (!shoppers.Addresses.TryGetValue(attempt.AddressId, out var address) || address.UserId != attempt.UserId)
            return CheckoutOutcome.Fail(Problem.NotFound("The address", code: "address.not_found"));
        var unknown = attempt.Lines.Keys.Where(id => !skus.ContainsKey(id)).Order().ToList();
        if (unknown.Count > 0)
            return CheckoutOutcome.Fail(Problem.NotFound($"SKU {string.Join(", ", unknown)}", code: "orders.sku_not_found",
                args: new Dictionary<string, object?> { ["skuId"] = string.Join(", ", unknown) }));
        if (attempt.Lines.Keys.Select(id => skus[id]).FirstOrDefault(s => !s.OnShelf) is { } offShelf)
            return CheckoutOutcome.Fail(Problem.Conflict($"'{offShelf.Title}' is off shelf.", code: "orders.off_shelf",
                args: new Dictionary<string, object?> { ["title"] = offShelf.Title }));
        return null;
    }

    /// <summary>Every candidate's order, items and idempotency key, in one round trip.</summary>
    private static async Task InsertAsync(MySqlConnection connection, MySqlTransaction tx, List<Candidate> candidates,
        Dictionary<long, BasketSku> skus, DateTime now, CancellationToken ct)
    {
        var sql = new StringBuilder();
        var args = new DynamicParameters();
        args.Add("Now", now);
        var keys = new List<string>();
        for (var c = 0; c < candidates.Count; c++)
        {
            var (_, attempt, response, address) = candidates[c];
            sql.Append($"""
                INSERT INTO orders (order_no, user_id, kind, status, total_cents, address_snapshot, created_at, updated_at, expires_at)
                VALUES (@No{c}, @User{c}, 'normal', 'PendingPayment', @Total{c}, @Address{c}, @Now, @Now, @Expires{c});
                INSERT INTO order_items (order_id, sku_id, product_id, title, specs, image, price_cents, quantity) VALUES
                """);
            args.Add($"No{c}", response.OrderNo);
            args.Add($"User{c}", attempt.UserId);
            args.Add($"Total{c}", response.TotalCents);
            args.Add($"Address{c}", address);
            args.Add($"Expires{c}", response.ExpiresAt);
            var line = 0;
            foreach (var (skuId, quantity) in attempt.Lines.OrderBy(l => l.Key))
            {
                var sku = skus[skuId];
                var p = $"{c}_{line}";
                sql.Append(line++ == 0 ? "\n" : ",\n")
                    .Append($"(LAST_INSERT_ID(), @Sku{p}, @Product{p}, @Title{p}, @Specs{p}, @Image{p}, @Price{p}, @Quantity{p})");
                args.Add($"Sku{p}", skuId);
                args.Add($"Product{p}", sku.ProductId);
                args.Add($"Title{p}", sku.Title);
                args.Add($"Specs{p}", sku.Specs);
                args.Add($"Image{p}", CatalogRules.ParseImages(sku.Images).FirstOrDefault() ?? "");
                args.Add($"Price{p}", sku.PriceCents);
                args.Add($"Quantity{p}", quantity);
            }
            sql.Append(";\n");
            keys.Add($"(@User{c}, @Key{c}, @Hash{c}, @No{c}, @Response{c}, @Now)");
            args.Add($"Key{c}", attempt.IdempotencyKey);
            args.Add($"Hash{c}", attempt.RequestHash);
            args.Add($"Response{c}", JsonSerializer.Serialize(response, Json));
        }
        sql.Append("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, order_no, response, created_at) VALUES\n")
            .AppendJoin(",\n", keys).Append(';');
        await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, tx, cancellationToken: ct));
    }

    /// <summary>
    /// Locks the group's stock: one update per SKU when the whole demand fits (the common case). When a SKU runs short,
    /// the candidates get it in arrival order, and the orders that no longer fit are taken out again; those are
    /// refused with what was left for them. Returns the candidates placed.
    /// </summary>
    private static async Task<List<Candidate>> TakeStockAsync(MySqlConnection connection, MySqlTransaction tx, List<Candidate> candidates,
        Dictionary<long, BasketSku> skus, long[] userIds, DateTime now, CheckoutOutcome?[] outcomes, CancellationToken ct)
    {
        var demand = new SortedDictionary<long, int>();
        foreach (var candidate in candidates)
            foreach (var (skuId, quantity) in candidate.Attempt.Lines) demand[skuId] = demand.GetValueOrDefault(skuId) + quantity;

        var taken = new Dictionary<long, int>();
        var anyShort = false;
        foreach (var (skuId, quantity) in demand)
        {
            var updated = await connection.ExecuteAsync(new CommandDefinition(TakeStock, new { SkuId = skuId, Quantity = quantity, Now = now }, tx, cancellationToken: ct));
            taken[skuId] = updated == 1 ? quantity : 0;
            anyShort |= updated != 1;
        }
        if (!anyShort) return candidates;

        // Our updates (and the one that matched nothing) already hold these rows: this read waits for nobody.
        var left = (await connection.QueryAsync<(long SkuId, long Available)>(new CommandDefinition(ReadStock, new { SkuIds = demand.Keys.ToArray() }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.SkuId, r => r.Available + taken[r.SkuId]);
        var placed = new List<Candidate>();
        var granted = demand.Keys.ToDictionary(id => id, _ => 0);
        foreach (var candidate in candidates)
        {
            var shortLine = candidate.Attempt.Lines.OrderBy(l => l.Key).FirstOrDefault(l => left[l.Key] < l.Value);
            if (shortLine.Value > 0)
            {
                var sku = skus[shortLine.Key];
                var available = Math.Max(0, left[shortLine.Key]);
                outcomes[candidate.Index] = CheckoutOutcome.Fail(Problem.Conflict($"Not enough stock for '{Describe(sku)}'.", code: "orders.insufficient_stock",
                    args: new Dictionary<string, object?> { ["title"] = Describe(sku), ["available"] = available, ["asked"] = shortLine.Value }));
                continue;
            }
            foreach (var (skuId, quantity) in candidate.Attempt.Lines) { left[skuId] -= quantity; granted[skuId] += quantity; }
            placed.Add(candidate);
        }
        foreach (var (skuId, quantity) in granted.Where(g => g.Value != taken[g.Key]))
            await connection.ExecuteAsync(new CommandDefinition(AdjustStock, new { SkuId = skuId, Delta = quantity - taken[skuId], Now = now }, tx, cancellationToken: ct));
        var dropped = candidates.Except(placed).Select(c => c.Response.OrderNo).ToArray();
        if (dropped.Length > 0)
            await connection.ExecuteAsync(new CommandDefinition(DropOrders, new { OrderNos = dropped, UserIds = userIds }, tx, cancellationToken: ct));
        return placed;
    }

    private static string Describe(BasketSku sku)
    {
        var specs = CatalogRules.ParseSpecs(sku.Specs);
        return specs.Count == 0 ? sku.Title : $"{sku.Title} ({string.Join(" ", specs.Values)})";
    }

    private sealed record Candidate(int Index, CheckoutAttempt Attempt, Response Response, string Address);
    private sealed record IdempotentRow(long UserId, string IdemKey, string RequestHash, string Response);
    private sealed record ShopperRows(Dictionary<(long, string), IdempotentRow> Keys, Dictionary<long, long> Open, Dictionary<long, AddressRow> Addresses);

    private sealed record AddressRow(long Id, long UserId, string Receiver, string Phone, string Province, string City, string District, string Detail)
    {
        public AddressSnapshot Snapshot => new(Receiver, Phone, Province, City, District, Detail);
    }
}

/// <summary>One shopper's checkout as the group sees it: lines already resolved (from the body or the cart) and capped.</summary>
public sealed record CheckoutAttempt(long UserId, string IdempotencyKey, string RequestHash, IReadOnlyDictionary<long, int> Lines, long AddressId);

/// <summary>How one checkout of a group ended: placed (201), replayed (201, Idempotent-Replayed) or a problem.</summary>
public sealed record CheckoutOutcome(Response? Response, bool Replayed, IResult? Refusal)
{
    public static CheckoutOutcome Placed(Response response) => new(response, false, null);
    public static CheckoutOutcome Replay(Response response) => new(response, true, null);

    /// <summary>The Idempotency-Key was used before: the same request gets the stored answer again, another one 422.</summary>
    public static CheckoutOutcome FromEarlier(string earlierRequestHash, string earlierResponse, string requestHash) =>
        earlierRequestHash == requestHash ? Replay(JsonSerializer.Deserialize<Response>(earlierResponse, CheckoutGroups.Json)!) : KeyReused;
    public static CheckoutOutcome Fail(IResult problem) => new(null, false, problem);

    public static CheckoutOutcome Refused(BasketIssue issue) =>
        Fail(Infrastructure.Problem.Of(StatusCodes.Status409Conflict, "Conflict", issue.Detail, code: issue.Code, args: issue.Args));

    public static CheckoutOutcome KeyReused => Fail(Infrastructure.Problem.Of(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
        "This Idempotency-Key was already used for a different request. Use a new key for a new order.", code: "orders.idempotency_key_reused"));
}
