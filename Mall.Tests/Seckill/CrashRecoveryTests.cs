using System.Net;
using Dapper;
using Mall.Features.Seckill;
using Mall.Features.Seckill.OrderWriter;
using Mall.Tests.Infrastructure;

namespace Mall.Tests.Seckill;

/// <summary>An instance that accepts attempts but "dies" before writing them: no writer, no recovery.</summary>
public sealed class WriterlessApp() : MallApp(TestHost.Seckill, TestHost.SeckillWithoutWriter);

/// <summary>A second API instance on the first one's database and Redis key prefix (the restart, or a peer).</summary>
public sealed class SecondInstance(MallApp first) : MallApp(TestHost.Seckill, TestHost.SameDataAs(first));

/// <summary>The restart, re-driving the backlog in batches of 3, two batches written at a time.</summary>
public sealed class SmallBatchRecovery(MallApp first) : MallApp(TestHost.Seckill, TestHost.SameDataAs(first),
    TestHostOption.Set(("Seckill:Recovery:BatchSize", "3"), ("Seckill:Recovery:WritesInFlight", "2")));

public sealed class CrashRecoveryTests(WriterlessApp app) : IClassFixture<WriterlessApp>
{
    [Fact]
    public async Task Reservations_accepted_by_an_instance_that_died_before_writing_are_written_by_recovery_once()
    {
        var activity = await app.CreateActivityAsync(stock: 20);
        var buyers = await app.InsertBuyersAsync(30);
        var client = app.CreateClient();
        var tokens = await Task.WhenAll(buyers.Select(b => client.TokenAsync(b, activity)));
        var responses = await Task.WhenAll(buyers.Select((b, i) => client.AttemptAsync(b, activity, tokens[i])));
        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(0, await app.OrdersAsync(activity));
        Assert.Equal(20, await app.Redis.StreamLengthAsync($"sk:{{a{activity}}}:log"));

        // Seven batches, written two at a time: each reservation still becomes exactly one order.
        var second = new SmallBatchRecovery(app);
        await second.InitializeAsync();
        try
        {
            await app.WaitForOrdersAsync(activity, 20);
            await Http.EventuallyAsync(async () => await app.Redis.StreamLengthAsync($"sk:{{a{activity}}}:log") == 0);

            // Replaying the very same reservations twice more (a racing instance, a retried batch) changes nothing.
            await using var db = await app.OpenDbAsync();
            var rows = (await db.QueryAsync<(string ReservationId, long UserId, long Total, DateTime CreatedAt)>(
                "SELECT reservation_id, user_id, total_cents, created_at FROM orders WHERE activity_id = @Id", new { Id = activity })).ToList();
            var replay = rows.Select(r =>
            {
                Assert.True(Reservation.TryParseId(r.ReservationId, out var activityId, out var entryId));
                return new Reservation(activityId, entryId, r.UserId, 1, r.Total,
                    new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            }).ToList();
            var writer = second.Service<OrderBatchWriter>();
            await writer.WriteAsync(replay, CancellationToken.None);
            await writer.WriteAsync(replay, CancellationToken.None);

            Assert.Equal(20, await app.OrdersAsync(activity));
            Assert.Equal(20, await app.CountAsync(
                "SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.activity_id = @Id", new { Id = activity }));
            Assert.Equal(new SeckillKit.ReconcileBody(20, 0, 0, 20, 0, 0), await app.ReconcileAsync(activity));
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
        }
    }
}
