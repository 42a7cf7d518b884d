using Mall.Features.Seckill.Admin.ReconcileActivity;
using Mall.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mall.Tests.Seckill;

/// <summary>Reservations stay queued (no writer, no recovery); the periodic pass defers above two queued.</summary>
public sealed class SmallReconcileQueueApp() : MallApp(TestHost.Seckill, TestHost.SeckillWithoutWriter, SmallReconcileQueue)
{
    private static readonly TestHostOption SmallReconcileQueue = TestHostOption.Set(("Seckill:ReconcileMaxQueued", "2"));
}

public sealed class ReconcileWorkerTests(SmallReconcileQueueApp app) : IClassFixture<SmallReconcileQueueApp>
{
    [Fact]
    public async Task The_periodic_pass_leaves_an_activity_with_a_long_queue_for_later_and_the_admin_endpoint_still_reads_it()
    {
        var busy = await app.CreateActivityAsync(stock: 10);
        var quiet = await app.CreateActivityAsync(stock: 10);
        var buyers = await app.InsertBuyersAsync(4);
        var client = app.CreateClient();
        foreach (var buyer in buyers.Take(3)) await client.BuyAsync(buyer, busy);
        await client.BuyAsync(buyers[3], quiet);

        var worker = app.Services.GetServices<IHostedService>().OfType<ReconcileWorker>().Single();
        var deferred = await worker.PassAsync(CancellationToken.None);

        Assert.Contains(busy, deferred); // three queued, above the limit of two
        Assert.DoesNotContain(quiet, deferred);
        var onDemand = await app.ReconcileAsync(busy);
        Assert.Equal(3, onDemand.PendingReservations);
        Assert.Equal(0, onDemand.Drift);
    }
}
