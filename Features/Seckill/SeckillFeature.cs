using Mall.Features.Seckill.Admin.PublishActivity;
using Mall.Features.Seckill.Admin.ReconcileActivity;
using Mall.Features.Seckill.Demo;
using Mall.Features.Seckill.Expiry;
using Mall.Features.Seckill.OrderWriter;
using Mall.Features.Seckill.Realtime;
using Mall.Features.Seckill.Recovery;
using Mall.Infrastructure;

namespace Mall.Features.Seckill;

public static class SeckillFeature
{
    public static void AddSeckillFeature(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        SeckillMetrics.Publish();
        // A held reservation must be written well before recovery would take it for lost and write it a second time.
        services.AddMallOptions<SeckillOptions>("Seckill").Validate(o => o.Writer.MaxBurstDeferral * 2 <= o.Recovery.GracePeriod,
            "Seckill:Writer:MaxBurstDeferral must be at most half of Seckill:Recovery:GracePeriod.");
        // Which background workers run is decided here, from the same section.
        var options = builder.Configuration.ReadOptions<SeckillOptions>("Seckill");
        services.AddSingleton<SeckillScripts>();
        services.AddSingleton<ActivityStates>();
        services.AddSingleton<ActivityQueries>();
        services.AddSingleton<ReservationChannel>();
        services.AddSingleton<BurstPacing>();
        services.AddSingleton<OrderBatchWriter>();
        services.AddSingleton<Admin.CancelActivity.Canceller>();
        services.AddSingleton<Publisher>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<SeckillExpiry>();
        services.AddSingleton<SeckillLapses>();
        services.AddSingleton<CloseOut.SeckillCloseOut>();
        services.AddSingleton<RecoveryWorker>();
        services.AddSingleton<InFlightReservations>();
        services.AddSingleton<FailoverRepair>();
        services.AddSingleton<FailoverFence>();
        services.AddHostedService(sp => sp.GetRequiredService<FailoverFence>());
        services.AddSingleton<IStartupSeeder, DemoSeeder>();

        services.AddHostedService<SeckillRealtime>();
        services.AddHostedService<ReconcileWorker>();
        if (options.Writer.Enabled) services.AddHostedService<OrderWriter.OrderWriter>();
        if (options.Recovery.Enabled) services.AddHostedService(sp => sp.GetRequiredService<RecoveryWorker>());
        if (options.Expiry.Enabled) services.AddHostedService<ExpiryWorker>();
    }
}
