using Mall.Features.Seckill;
using Mall.Features.Seckill.OrderWriter;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mall.Tests.Seckill;

/// <summary>
/// Peak shaving of the order writer, on a fake clock: it holds a batch while reservations arrive at the burst rate,
/// never longer than the deferral, never once the burst is over, never with the channel half full, never when off.
/// </summary>
public sealed class BurstPacingTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z"));

    private (ReservationChannel Channel, BurstPacing Pacing) Create(int acceptsPerSecond = 1_000, int capacity = 1_000_000)
    {
        var options = new SeckillOptions
        {
            Writer = { BurstAcceptsPerSecond = acceptsPerSecond, MaxBurstDeferral = TimeSpan.FromSeconds(2), ChannelCapacity = capacity },
        };
        var channel = new ReservationChannel(options);
        return (channel, new BurstPacing(channel, options, _clock));
    }

    private Reservation Arrive(ReservationChannel channel, int count)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        Reservation last = default;
        for (var i = 0; i < count; i++)
        {
            last = new Reservation(1, $"{now}-{i}", 1000 + i, 1, 100, now);
            channel.TryWrite(last);
        }
        return last;
    }

    /// <summary>Reservations arriving at 2,000/s (twice the burst rate) for the given time, 10 ms at a time.</summary>
    private void Burst(ReservationChannel channel, TimeSpan span)
    {
        for (var t = TimeSpan.Zero; t < span; t += Step)
        {
            Arrive(channel, 20);
            _clock.Advance(Step);
        }
    }

    private async Task AdvanceUntilDoneAsync(Task hold, TimeSpan atMost, Action? eachStep = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10); // real time: only to end a broken test
        for (var passed = TimeSpan.Zero; !hold.IsCompleted && passed <= atMost && DateTime.UtcNow < deadline; passed += Step)
        {
            eachStep?.Invoke();
            _clock.Advance(Step);
            await Task.Delay(1);
        }
        Assert.True(hold.IsCompleted, "the writer should have stopped holding");
        await hold;
    }

    [Fact]
    public void Without_a_burst_the_batch_goes_out_at_once()
    {
        var (channel, pacing) = Create();
        _clock.Advance(TimeSpan.FromSeconds(1));
        var oldest = Arrive(channel, 5); // 5 per second: no burst

        Assert.True(pacing.HoldAsync(oldest, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task During_a_burst_the_batch_waits_until_its_oldest_reservation_is_deferred_long_enough()
    {
        var (channel, pacing) = Create();
        var oldest = Arrive(channel, 1);
        Burst(channel, TimeSpan.FromMilliseconds(200));

        var hold = pacing.HoldAsync(oldest, CancellationToken.None);
        var releaseAt = oldest.AtMs + 2_000;
        while (_clock.GetUtcNow().ToUnixTimeMilliseconds() < releaseAt - Step.TotalMilliseconds)
        {
            Burst(channel, Step);
            await Task.Delay(1);
            Assert.False(hold.IsCompleted, $"released {releaseAt - _clock.GetUtcNow().ToUnixTimeMilliseconds()} ms early");
        }
        await AdvanceUntilDoneAsync(hold, TimeSpan.FromMilliseconds(500), () => Arrive(channel, 20));
        Assert.True(_clock.GetUtcNow().ToUnixTimeMilliseconds() >= releaseAt);
    }

    [Fact]
    public async Task The_hold_ends_when_the_burst_does()
    {
        var (channel, pacing) = Create();
        var oldest = Arrive(channel, 1);
        Burst(channel, TimeSpan.FromMilliseconds(200));
        var hold = pacing.HoldAsync(oldest, CancellationToken.None);
        Burst(channel, TimeSpan.FromMilliseconds(300));
        Assert.False(hold.IsCompleted);

        // No more arrivals: the next sample (at most 100 ms later) sees the burst is over, long before the 2 s deferral.
        await AdvanceUntilDoneAsync(hold, TimeSpan.FromMilliseconds(300));
        Assert.True(_clock.GetUtcNow().ToUnixTimeMilliseconds() < oldest.AtMs + 1_000);
    }

    [Fact]
    public void A_half_full_channel_is_never_held_back()
    {
        var (channel, pacing) = Create(capacity: 1_000);
        var oldest = Arrive(channel, 1);
        Burst(channel, TimeSpan.FromMilliseconds(250)); // 500 waiting: half the capacity

        Assert.True(pacing.HoldAsync(oldest, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void A_threshold_of_zero_turns_pacing_off()
    {
        var (channel, pacing) = Create(acceptsPerSecond: 0);
        var oldest = Arrive(channel, 1);
        Burst(channel, TimeSpan.FromMilliseconds(200));

        Assert.True(pacing.HoldAsync(oldest, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void A_deferral_longer_than_half_the_recovery_grace_period_refuses_to_start()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seckill:Writer:MaxBurstDeferral"] = "00:00:06",
            ["Seckill:Recovery:GracePeriod"] = "00:00:10",
        });

        builder.AddSeckillFeature();
        using var app = builder.Build();

        // ValidateOnStart: the host refuses to start; resolving the options shows the same failure.
        var refused = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<SeckillOptions>());
        Assert.Contains("Seckill:Writer:MaxBurstDeferral", refused.Message);
    }
}
