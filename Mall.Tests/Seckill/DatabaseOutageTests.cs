using System.Net;
using Dapper;
using Mall.Features.Seckill;
using Mall.Tests.Infrastructure;
using MySqlConnector;

namespace Mall.Tests.Seckill;

/// <summary>The app reaches MariaDB only through a proxy the test can cut; the writer gives up quickly.</summary>
public sealed class OutageApp : MallApp
{
    private static readonly TestHostOption QuickWriterRetries = TestHostOption.Set(
        ("Seckill:Writer:MaxRetries", "2"),
        ("Seckill:Writer:RetryDelay", "00:00:00.100"));

    public OutageApp() : this(TcpProxy.ToDatabase()) { }

    private OutageApp(TcpProxy proxy) : base(TestHost.Seckill,
        TestHost.DatabaseThrough(proxy, db => { db.ConnectionTimeout = 3; db.DefaultCommandTimeout = 5; }), QuickWriterRetries) => Proxy = proxy;

    public TcpProxy Proxy { get; }
}

public sealed class DatabaseOutageTests(OutageApp app) : IClassFixture<OutageApp>
{
    [Fact]
    public async Task Reservations_accepted_while_the_database_is_unreachable_are_all_written_once_it_is_back()
    {
        var activity = await app.CreateActivityAsync(stock: 100);
        var buyers = await app.InsertBuyersAsync(120);
        var client = app.CreateClient();
        var tokens = await Task.WhenAll(buyers.Select(b => client.TokenAsync(b, activity)));
        async Task<List<string>> Wave(int from, int count)
        {
            var responses = await Task.WhenAll(Enumerable.Range(from, count).Select(i => client.AttemptAsync(buyers[i], activity, tokens[i])));
            var accepted = new List<string>();
            foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.Accepted))
                accepted.Add((await response.ReadAsync<SeckillKit.ReservationBody>(HttpStatusCode.Accepted)).ReservationId);
            return accepted;
        }

        var accepted = await Wave(0, 40);
        var failuresBefore = SeckillMetrics.BatchFailures.Value;
        app.Proxy.Cut();
        try
        {
            accepted.AddRange(await Wave(40, 80));
            await Http.EventuallyAsync(() => Task.FromResult(SeckillMetrics.BatchFailures.Value > failuresBefore),
                TimeSpan.FromSeconds(20), "the writer met the outage");
        }
        finally
        {
            app.Proxy.Restore();
        }

        Assert.Equal(100, accepted.Count);
        await app.WaitForOrdersAsync(activity, 100, seconds: 30);
        await using var db = await app.OpenDbAsync();
        var written = (await db.QueryAsync<string>("SELECT reservation_id FROM orders WHERE activity_id = @Id", new { Id = activity })).ToList();
        Assert.True(written.ToHashSet().SetEquals(accepted), "every accepted reservation has exactly one order");
        SeckillKit.ReconcileBody reconcile = null!;
        await Http.EventuallyAsync(async () => (reconcile = await app.ReconcileAsync(activity)).PendingReservations == 0);
        Assert.Equal(new SeckillKit.ReconcileBody(100, 0, 0, 100, 0, 0), reconcile);
    }

    [Fact]
    public async Task While_the_database_is_unreachable_its_readers_answer_503_with_retry_after_not_500()
    {
        var buyer = await app.BuyerAsync();
        var client = app.CreateClient();
        app.Proxy.Cut();
        try
        {
            MySqlConnection.ClearAllPools(); // pooled connections would only find out on first use
            foreach (var url in new[] { "/api/v1/orders", "/api/v1/addresses" })
            {
                await (await client.SendAsync(buyer, HttpMethod.Get, url)).ShouldAskToRetrySoonAsync();
            }
        }
        finally
        {
            app.Proxy.Restore();
        }
        await Http.EventuallyAsync(async () => (await client.SendAsync(buyer, HttpMethod.Get, "/api/v1/orders")).StatusCode == HttpStatusCode.OK);
    }
}
