using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Dapper;
using Mall.Features.Orders.Checkout;
using Microsoft.AspNetCore.Http.HttpResults;
using Mall.Tests.Infrastructure;
using static Mall.Tests.Infrastructure.ShopFixtures;

namespace Mall.Tests.Orders;

/// <summary>
/// Group commit of normal checkout. Most tests hand one group to <see cref="CheckoutGroups"/> directly, so what shares
/// a transaction is decided by the test, not by timing; the last one crashes a real API process mid-group.
/// </summary>
public sealed class CheckoutGroupTests(MallApp app) : IClassFixture<MallApp>
{
    private CheckoutGroups Groups => app.Service<CheckoutGroups>();

    private async Task<(Shopper Shopper, long AddressId)> BuyerAsync()
    {
        var shopper = await app.FastShopperAsync();
        return (shopper, await shopper.AddressAsync());
    }

    private static CheckoutGroups.Pending Order((Shopper Shopper, long AddressId) buyer, long skuId, int quantity = 1, string? key = null,
        long? addressId = null, string? body = null) =>
        new(new CheckoutAttempt(buyer.Shopper.UserId, key ?? Guid.NewGuid().ToString("N"), body ?? $"{skuId}x{quantity}",
            new Dictionary<long, int> { [skuId] = quantity }, addressId ?? buyer.AddressId));

    private async Task<CheckoutOutcome[]> PlaceOneGroupAsync(params CheckoutGroups.Pending[] group)
    {
        await Groups.CommitGroupAsync(group, CancellationToken.None);
        return await Task.WhenAll(group.Select(p => p.Done.Task));
    }

    private static (int Status, string Code) Refusal(CheckoutOutcome outcome)
    {
        var problem = Assert.IsType<ProblemHttpResult>(outcome.Refusal);
        return (problem.StatusCode, (string)problem.ProblemDetails.Extensions["code"]!);
    }

    private async Task<long> CountAsync(string sql, object args)
    {
        await using var db = await app.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>(sql, args);
    }

    [Fact]
    public async Task A_group_asking_more_than_the_stock_sells_exactly_the_stock_in_arrival_order_and_refuses_the_rest()
    {
        var sku = (await app.ProductAsync(stock: 5))[0];
        var quantities = new[] { 1, 1, 2, 1, 1, 1, 1 }; // 1+1+2+1 = 5: the fifth order on is refused
        var buyers = await Task.WhenAll(quantities.Select(_ => BuyerAsync()));
        var outcomes = await PlaceOneGroupAsync(buyers.Select((b, i) => Order(b, sku.SkuId, quantities[i])).ToArray());

        Assert.All(outcomes[..4], o => Assert.False(o.Response is null || o.Replayed));
        Assert.All(outcomes[4..], o => Assert.Equal((409, "orders.insufficient_stock"), Refusal(o)));
        Assert.Equal((5, 5, 0), await app.SkuCountersAsync(sku.SkuId));
        var users = buyers.Select(b => b.Shopper.UserId).ToArray();
        Assert.Equal(4, await CountAsync("SELECT COUNT(*) FROM orders WHERE user_id IN @Users", new { Users = users }));
        Assert.Equal(5, await CountAsync("""
            SELECT CAST(SUM(i.quantity) AS SIGNED) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.user_id IN @Users
            """, new { Users = users }));
        // The refused orders were taken out of the transaction whole: no order, item or key of theirs is left.
        Assert.Equal(4, await CountAsync("SELECT COUNT(*) FROM idempotency_keys WHERE user_id IN @Users", new { Users = users }));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM order_items WHERE order_id NOT IN (SELECT id FROM orders)", new { }));
    }

    [Fact]
    public async Task An_order_that_cannot_be_placed_in_the_middle_of_a_group_fails_alone()
    {
        var sku = (await app.ProductAsync(stock: 10))[0];
        var offShelf = (await app.ProductAsync(stock: 10))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("UPDATE products SET on_shelf = 0 WHERE id = @Id", new { Id = offShelf.ProductId });
        var buyers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => BuyerAsync()));
        var capped = await BuyerAsync();
        for (var i = 0; i < 3; i++) // the open-unpaid-orders cap is 3
            Assert.Equal(HttpStatusCode.Created, (await capped.Shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId = capped.AddressId })).StatusCode);

        var outcomes = await PlaceOneGroupAsync(
            Order(buyers[0], sku.SkuId),
            Order(buyers[1], sku.SkuId, addressId: buyers[2].AddressId), // someone else's address
            Order(buyers[2], sku.SkuId),
            Order(capped, sku.SkuId),
            Order(buyers[3], offShelf.SkuId),
            Order(buyers[4], sku.SkuId, quantity: 2));

        Assert.NotNull(outcomes[0].Response);
        Assert.Equal((404, "address.not_found"), Refusal(outcomes[1]));
        Assert.NotNull(outcomes[2].Response);
        Assert.Equal((409, "orders.too_many_open_orders"), Refusal(outcomes[3]));
        Assert.Equal((409, "orders.off_shelf"), Refusal(outcomes[4]));
        Assert.NotNull(outcomes[5].Response);
        Assert.Equal((10, 3 + 4, 0), await app.SkuCountersAsync(sku.SkuId));
        Assert.Equal((10, 0, 0), await app.SkuCountersAsync(offShelf.SkuId));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM orders WHERE user_id IN @Users",
            new { Users = new[] { buyers[1].Shopper.UserId, buyers[3].Shopper.UserId } }));
    }

    [Fact]
    public async Task An_order_the_database_refuses_mid_group_fails_alone_and_the_others_are_placed()
    {
        // Nothing the group checks can catch this one: the database itself refuses the order row (a trigger standing in
        // for any unforeseen error). The group's transaction fails, and its orders are then placed one by one.
        var sku = (await app.ProductAsync(stock: 10, priceCents: 4242 - 1000))[0]; // 42.42 with the shipping fee
        var fine = (await app.ProductAsync(stock: 10, priceCents: 10_000))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("""
                CREATE TRIGGER refuse_4242 BEFORE INSERT ON orders FOR EACH ROW
                BEGIN
                  IF NEW.total_cents = 4242 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF;
                END
                """);
        try
        {
            var buyers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => BuyerAsync()));
            var group = new[] { Order(buyers[0], fine.SkuId), Order(buyers[1], fine.SkuId), Order(buyers[2], sku.SkuId), Order(buyers[3], fine.SkuId) };
            await Groups.CommitSafelyAsync([.. group], CancellationToken.None);

            foreach (var i in new[] { 0, 1, 3 }) Assert.NotNull((await group[i].Done.Task).Response);
            await Assert.ThrowsAnyAsync<Exception>(() => group[2].Done.Task);
            Assert.Equal((10, 3, 0), await app.SkuCountersAsync(fine.SkuId));
            Assert.Equal((10, 0, 0), await app.SkuCountersAsync(sku.SkuId));
            Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM orders WHERE user_id = @User", new { User = buyers[2].Shopper.UserId }));
        }
        finally
        {
            await using var db = await app.OpenDbAsync();
            await db.ExecuteAsync("DROP TRIGGER IF EXISTS refuse_4242");
        }
    }

    [Fact]
    public async Task The_same_key_twice_in_one_group_places_one_order_and_another_body_under_it_is_422()
    {
        var sku = (await app.ProductAsync(stock: 10))[0];
        var buyer = await BuyerAsync();
        var other = await BuyerAsync();
        var outcomes = await PlaceOneGroupAsync(
            Order(buyer, sku.SkuId, key: "double-tap-1"),
            Order(other, sku.SkuId),
            Order(buyer, sku.SkuId, key: "double-tap-1"),
            Order(buyer, sku.SkuId, quantity: 2, key: "double-tap-1"));

        Assert.False(outcomes[0].Replayed);
        Assert.True(outcomes[2].Replayed);
        Assert.Equal(outcomes[0].Response!.OrderNo, outcomes[2].Response!.OrderNo);
        Assert.Equal((422, "orders.idempotency_key_reused"), Refusal(outcomes[3]));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM orders WHERE user_id = @User", new { User = buyer.Shopper.UserId }));
        Assert.Equal((10, 2, 0), await app.SkuCountersAsync(sku.SkuId));

        // A later group replays it from MySQL.
        var later = await PlaceOneGroupAsync(Order(buyer, sku.SkuId, key: "double-tap-1"));
        Assert.True(later[0].Replayed);
        Assert.Equal(outcomes[0].Response!.OrderNo, later[0].Response!.OrderNo);
    }

    [Fact]
    public async Task Concurrent_http_checkouts_of_one_sku_share_transactions_and_sell_exactly_the_stock()
    {
        var sku = (await app.ProductAsync(stock: 30))[0];
        var buyers = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => BuyerAsync()));
        var groupsBefore = Groups.GroupsCommitted;
        var responses = await Task.WhenAll(buyers.Select(b =>
            b.Shopper.CheckoutAsync(new { items = new[] { new { skuId = sku.SkuId, quantity = 1 } }, addressId = b.AddressId })));

        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            Assert.Equal("orders.insufficient_stock", (await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal((30, 30, 0), await app.SkuCountersAsync(sku.SkuId));
        Assert.Equal(30, await CountAsync("SELECT COUNT(*) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku_id = @Id", new { Id = sku.SkuId }));
        // Sharing happened: fewer transactions than orders placed (80 requests at once, one SKU, so one lane).
        var groups = Groups.GroupsCommitted - groupsBefore;
        Assert.True(groups < 30, $"30 orders took {groups} transactions: no checkout shared one");
    }

    [Fact]
    public async Task An_api_process_killed_mid_group_loses_no_order_it_answered_201()
    {
        // A real API process (the build under test) on this fixture's database. The trigger holds one group inside its
        // transaction (after its inserts, before the commit) until the process is killed with SIGKILL.
        var sku = (await app.ProductAsync(stock: 100, priceCents: 4343 - 1000))[0];
        await using (var db = await app.OpenDbAsync())
            await db.ExecuteAsync("""
                CREATE TRIGGER hold_4343 BEFORE INSERT ON orders FOR EACH ROW
                BEGIN
                  IF NEW.total_cents = 4343 AND (SELECT COUNT(*) FROM orders WHERE total_cents = 4343) >= 3 THEN DO SLEEP(60); END IF;
                END
                """);
        using var api = await ApiProcess.StartAsync(app);
        try
        {
            var buyers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => BuyerAsync()));
            var answers = new List<(Shopper Shopper, HttpResponseMessage? Response)>();
            // Three orders go through one by one and are answered 201; then twelve at once, held by the trigger.
            foreach (var buyer in buyers[..3])
                answers.Add((buyer.Shopper, await api.CheckoutAsync(buyer.Shopper, sku.SkuId, buyer.AddressId)));
            var held = buyers[3..].Select(async b =>
            {
                try { return (b.Shopper, (HttpResponseMessage?)await api.CheckoutAsync(b.Shopper, sku.SkuId, b.AddressId)); }
                catch (HttpRequestException) { return (b.Shopper, (HttpResponseMessage?)null); }
            }).ToArray();
            await Http.EventuallyAsync(async () => await CountAsync(
                "SELECT COUNT(*) FROM information_schema.processlist WHERE db = @Db AND state = 'User sleep'", new { Db = app.DatabaseName }) > 0,
                TimeSpan.FromSeconds(30), $"a group is inside its transaction (the first answers: {string.Join(", ", answers.Select(a => a.Response?.StatusCode))}; "
                    + $"held done: {held.Count(t => t.IsCompleted)}; processlist: {await ProcessListAsync()}; api output: {api.Output})");

            api.Kill();
            answers.AddRange(await Task.WhenAll(held));
            // The server notices the dead client only when the held statement ends: end it now, as a timeout would.
            await using (var db = await app.OpenDbAsync())
                foreach (var id in await db.QueryAsync<long>("SELECT id FROM information_schema.processlist WHERE db = @Db AND state = 'User sleep'", new { Db = app.DatabaseName }))
                    await db.ExecuteAsync($"KILL {id}");

            var answered = answers.Where(a => a.Response?.StatusCode == HttpStatusCode.Created).ToList();
            Assert.Equal(3, answered.Count);
            foreach (var (shopper, response) in answered)
            {
                var placed = await response!.Content.ReadFromJsonAsync<PlacedOrder>();
                Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM orders WHERE order_no = @No AND user_id = @User", new { No = placed!.OrderNo, User = shopper.UserId }));
            }
            await Http.EventuallyAsync(async () => await CountAsync("SELECT COUNT(*) FROM information_schema.processlist WHERE db = @Db AND state = 'User sleep'", new { Db = app.DatabaseName }) == 0,
                TimeSpan.FromSeconds(30), "the killed transaction rolled back");
            // What the held group wrote died with its transaction; stock and orders agree.
            Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku_id = @Id", new { Id = sku.SkuId }));
            Assert.Equal((100, 3, 0), await app.SkuCountersAsync(sku.SkuId));
        }
        finally
        {
            await using var db = await app.OpenDbAsync();
            await db.ExecuteAsync("DROP TRIGGER IF EXISTS hold_4343");
        }
    }

    private async Task<string> ProcessListAsync()
    {
        await using var db = await app.OpenDbAsync();
        return string.Join(" | ", await db.QueryAsync<string>(
            "SELECT CONCAT(id, ' ', COALESCE(db, '-'), ' ', command, ' ', COALESCE(state, '-'), ' ', time, ' ', COALESCE(LEFT(info, 80), '-')) FROM information_schema.processlist"));
    }

    /// <summary>The API as its own process, from the build the tests run against, sharing the fixture's data.</summary>
    private sealed class ApiProcess : IDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _client;
        private readonly System.Text.StringBuilder _output = new();

        public string Output { get { lock (_output) return _output.ToString()[^Math.Min(_output.Length, 3000)..]; } }

        private ApiProcess(Process process, HttpClient client) => (_process, _client) = (process, client);

        public static async Task<ApiProcess> StartAsync(MallApp app)
        {
            int port;
            using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0)) { probe.Start(); port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port; }
            var bin = AppContext.BaseDirectory;
            var start = new ProcessStartInfo("dotnet", Path.Combine(bin, "Mall.Api.dll")) { WorkingDirectory = bin, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["ConnectionStrings__Mall"] = app.ConnectionString;
            start.Environment["ConnectionStrings__Redis"] = app.RedisConnectionString;
            start.Environment["Redis__KeyPrefix"] = app.KeyPrefix;
            start.Environment["Mall__DataDir"] = app.DataDir;
            start.Environment["Mall__SeedDemoData"] = "false";
            start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
            var process = Process.Start(start)!;
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(90) };
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
            var api = new ApiProcess(process, client);
            process.OutputDataReceived += (_, e) => { lock (api._output) api._output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (api._output) api._output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await Http.EventuallyAsync(async () =>
            {
                try { return (await client.GetAsync("/health/ready")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return !process.HasExited && false; }
            }, TimeSpan.FromSeconds(60), "the API process is ready");
            return api;
        }

        public Task<HttpResponseMessage> CheckoutAsync(Shopper shopper, long skuId, long addressId)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
            {
                Content = JsonContent.Create(new { items = new[] { new { skuId, quantity = 1 } }, addressId }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", shopper.AccessToken);
            return _client.SendAsync(request);
        }

        public void Kill()
        {
            _process.Kill(entireProcessTree: true); // SIGKILL: no shutdown hook runs
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
            _client.Dispose();
        }
    }
}
